"""`torchclaims extract SOURCE`: a ready-to-run spec from a notebook's saved outputs, one claim per code cell.

Each code cell that shows something comparable (text, a displayed result, an error, an image) becomes
a snippet claim on that cell. The notebook is run twice, under two seeds: outputs that change are
marked random (compared by shape and dtype). Outputs that depend on the machine are never judged:
a cell whose saved output names an accelerator needs one (devices: accelerator); versions,
availability checks, clocks, timings and shell commands are recorded as environment, not compared.
Re-running keeps what the user wrote: claims are matched by id, and their says, known, random, note,
tolerance, torch and requires stay as they are.
"""

from __future__ import annotations

import re
import shutil
import sys
from datetime import date
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from torchclaims import yamlsafe
from torchclaims.documents import cells, kernel, notebooks, sessions
from torchclaims.documents.reading import read
from torchclaims.problems import SOURCES_FILE

SEEDS = (0, 1)
KEPT_FIELDS = ("says", "known", "note", "tolerance", "torch", "requires", "quoted_from")

# what makes a cell's output depend on the machine rather than on torch's behaviour (checked in order)
ENVIRONMENT = (
    ("a shell command", re.compile(r"^\s*(!|%%(bash|sh|script|system)\b|%(system|sx|pip|conda)\b)", re.MULTILINE)),
    ("a hosted notebook's own set-up", re.compile(r"\bgoogle\.colab\b|\bkaggle_secrets\b")),
    # %%time's own lines are never compared (documents/cells.py): the cell's other output still is
    ("a timing", re.compile(r"^\s*%%?timeit\b", re.MULTILINE)),
    ("a version string", re.compile(r"__version__|\bsys\.version|\bplatform\.|\btorch\.version\.|"
                                    r"\bversion\(|get_arch_list|\bshow_versions?\(|__config__\.show")),
    ("an availability check", re.compile(r"\bis_available\(|device_count\(|get_device_name|get_device_properties|"
                                         r"get_device_capability|mem_get_info|memory_allocated|memory_reserved|"
                                         r"\bis_built\(|os\.cpu_count|get_num_threads|\bcurrent_device\(")),
    ("a clock", re.compile(r"\bdatetime\.(now|today|utcnow)\(|\btime\.(time|perf_counter|monotonic)\(|\bdate\.today\(")),
    ("a path or host", re.compile(r"\bos\.getcwd\(|\bPath\.cwd\(|\bsocket\.gethostname|\bgetpass\.getuser")),
)
_DEVICE_IN_OUTPUT = re.compile(r"\b(cuda(:\d+)?|mps|xpu(:\d+)?)\b")
# a version alone: '2.0.1+cu118' as displayed, or 2.0.1 as printed (a bare 2.5 is a number, not a version)
_VERSION_OUTPUT = re.compile(r"^\s*('\d+\.\d+(\.\d+)?[a-z0-9.+_-]*'|\d+\.\d+\.\d+[a-z0-9.+_-]*)\s*$")
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass
class Extraction:
    spec: Path
    claims: list[dict]
    kept: list[str] = field(default_factory=list)  # ids whose user-written fields were kept
    removed: list[str] = field(default_factory=list)  # ids of this document's cells that are gone
    copied_to: Path | None = None
    listed: bool = False  # the document was added to specs/sources.yaml


# torchclaims' own dependencies: always there where claims run
ALWAYS_THERE = frozenset({"torch", "numpy"})
_IMPORT = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import\s+(.+)|import\s+(.+))$", re.MULTILINE)


def imported_names(sources: list[str]) -> dict[str, str]:
    """name bound by an import anywhere in the notebook -> the package it needs (plt -> matplotlib),
    leaving out the standard library and what torchclaims itself needs."""
    names = {}
    for code in sources:
        for match in _IMPORT.finditer(code):
            if match.group(1):  # from package.module import a, b as c
                package = match.group(1).split(".")[0]
                bound = [part.split(" as ")[-1].strip(" ()") for part in match.group(2).split("#")[0].split(",")]
            else:  # import package.module as alias, other
                package, bound = None, []
                for part in match.group(3).split("#")[0].split(","):
                    module, _, alias = part.strip().partition(" as ")
                    names[(alias or module.split(".")[0]).strip()] = module.split(".")[0].strip()
            for name in bound:
                if name and name != "*":
                    names[name] = package
    return {name: package for name, package in names.items()
            if package and package not in sys.stdlib_module_names and package not in ALWAYS_THERE
            and not package.startswith("_") and re.fullmatch(r"[A-Za-z_][\w]*", name)}


def packages_used(code: str, names: dict[str, str]) -> list[str]:
    """The packages a cell's code uses by name: where one is missing, its claim is not-run, saying which."""
    return sorted({package for name, package in names.items() if re.search(rf"(?<![\w.]){re.escape(name)}\b", code)})


def slug(text: str, limit: int = 40) -> str:
    return _SLUG.sub("-", text.lower()).strip("-")[:limit].strip("-")


def topic_of(source: Path) -> str:
    name = re.sub(r"[^a-z0-9_]+", "_", source.stem.lower()).strip("_") or "notebook"
    return name if name[0].isalpha() else f"nb_{name}"


def environment_of(code: str, saved: list[dict]) -> str | None:
    """Why this cell's output depends on the machine, or None."""
    for reason, pattern in ENVIRONMENT:
        if pattern.search(code):
            return reason
    shown = [o for o in saved if o.get("output_type") != "error"]
    text = "".join(cells._text(o.get("text", "")) if o.get("output_type") == "stream"
                   else cells._text(o.get("data", {}).get("text/plain", "")) for o in shown)
    if text.strip() and _VERSION_OUTPUT.match(text):
        return "a version string"
    if text.strip() and not cells.observation(list(saved)):  # it printed only what is never compared (timings)
        return "a timing"
    return None


def needed_device(saved: list[dict]) -> str:
    """`accelerator` where the saved output names one (the author ran it there), else `cpu`."""
    for output in saved:
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            text = cells._text(output.get("text", ""))
        elif output.get("output_type") in ("execute_result", "display_data"):
            text = cells._text(output.get("data", {}).get("text/plain", ""))
        elif output.get("output_type") == "error":
            text = f"{output.get('evalue', '')}"
        else:
            continue
        if _DEVICE_IN_OUTPUT.search(text):
            return "accelerator"
    return "cpu"


def headings_before(path: Path) -> list[str]:
    """For each code cell, the nearest Markdown heading above it ('' where none)."""
    import nbformat

    notebook = nbformat.read(str(path), as_version=4)
    found, current = [], ""
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if (match := re.match(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)):
                    current = match.group(1)
        elif cell.cell_type == "code":
            found.append(current)
    return found


def session_headings(path: Path, found) -> list[str]:
    """For each `>>>` example, the nearest heading above the block holding it ('' where none)."""
    import doctest

    parser = doctest.DocTestParser()
    headings = []
    for heading, text in _blocks_with_headings(path):
        if ">>>" in text:
            headings.extend(heading for _ in parser.get_examples(text))
    return headings if len(headings) == len(found) else [""] * len(found)


def _blocks_with_headings(path: Path) -> list[tuple[str, str]]:
    source = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".rst":
        from docutils import nodes
        from docutils.core import publish_doctree

        tree = publish_doctree(source, settings_overrides={"report_level": 5, "halt_level": 5})
        found = []
        for node in tree.findall(lambda n: isinstance(n, (nodes.literal_block, nodes.doctest_block))):
            section = node.parent
            while section is not None and not isinstance(section, nodes.section):
                section = section.parent
            title = section.next_node(nodes.title).astext() if section is not None else ""
            found.append((title, node.astext() + "\n"))
        return found
    from markdown_it import MarkdownIt

    found, heading, in_heading = [], "", False
    for token in MarkdownIt("commonmark").parse(source):
        if token.type == "heading_open":
            in_heading = True
        elif token.type == "inline" and in_heading:
            heading, in_heading = token.content, False
        elif token.type in ("fence", "code_block"):
            found.append((heading, token.content))
    return found


def first_heading(path: Path) -> str:
    import nbformat

    for cell in nbformat.read(str(path), as_version=4).cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if (match := re.match(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$", line)):
                    return match.group(1)
    return ""


def first_lines(code: str) -> str:
    """The quote: the cell's first non-blank line, and the next where the first is short.

    Leading imports are skipped where more follows: `import sys` says nothing of what the cell shows.
    """
    lines = [line.rstrip() for line in code.splitlines() if line.strip()]
    if not lines:
        return ""
    while len(lines) > 1 and re.match(r"\s*(import|from)\s+[\w.]+(\s+import\b|\s+as\b|\s*,|\s*$)", lines[0]):
        lines = lines[1:]
    quote = lines[0]
    if len(quote.strip()) < 12 and len(lines) > 1:
        quote += "\n" + lines[1]
    return quote


def describe(items: list[dict]) -> str:
    parts = []
    for item in items[:3]:
        if "tensor" in item:
            tensor = item["tensor"]
            shape = tensor.get("shape")
            dtype = tensor["dtype"].replace("torch.", "")
            parts.append(f"{'an' if dtype[0] in 'aeiou' else 'a'} {dtype} tensor" + (f" of shape {shape}" if shape is not None else ""))
        elif "size" in item:
            parts.append(f"torch.Size({item['size']})")
        elif "dtype" in item:
            parts.append(item["dtype"])
        elif "error" in item:
            parts.append(f"the error {item['error']['ename']}")
        elif "image" in item:
            parts.append("an image (not compared)")
        elif "text" in item:
            words = " ".join(str(w) for w in item["text"][:8])
            parts.append(f"'{words}{' ...' if len(item['text']) > 8 else ''}'")
    more = " and more" if len(items) > 3 else ""
    return ", ".join(parts) + more


def random_positions(first: list[dict], second: list[dict]) -> bool | list[int]:
    """The items that differ between two seeds' runs: all (True) when their number differs."""
    if len(first) != len(second):
        return True
    return [i for i, (a, b) in enumerate(zip(first, second)) if a != b]


def _block_ref(code: str, number: int, sources: list[str]) -> int | str:
    """The cell's first line where no other cell starts with it (it survives cells added above), else its number."""
    first = code.strip().splitlines()[:1]
    if first and len(first[0].strip()) >= 8 and sum(s.strip().splitlines()[:1] == first for s in sources) == 1:
        return first[0].strip()
    return number


def _claim_ids(topic: str, headings: list[str], numbered: list[int]) -> dict[int, str]:
    ids, counts = {}, {}
    for number in numbered:
        base = slug(headings[number - 1]) or "cell"
        counts[base] = counts.get(base, 0) + 1
        ids[number] = f"{topic}.{base}-{counts[base]}"
    return ids


def extract(source: Path, project, topic: str | None = None, *, seeds=SEEDS,
            timeout: float = kernel.DEFAULT_CELL_TIMEOUT) -> Extraction:
    """Write (or update) specs/<topic>.yaml of `project` with one claim per code cell of the notebook `source`."""
    source = Path(source).resolve()
    session = source.suffix.lower() in sessions.SESSION_SUFFIXES
    if not (notebooks.is_notebook(source) or session):
        raise ValueError(f"{source}: extract reads Jupyter notebooks (.ipynb) and >>> sessions in Markdown or reST")
    read(source)  # refuses a notebook that does not parse, naming the file
    topic = topic or topic_of(source)
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", topic):
        raise ValueError(f"topic {topic!r}: use a Python module name (lower case, digits, _)")
    copied = None
    document = project.sources_dir / source.name
    if document.resolve() != source:
        project.sources_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, document)
        copied = document
    listed = _list_document(project, document)

    if session:
        found = sessions.examples(document.resolve())
        saved_cells = [(e.source, tuple(sessions.saved_outputs(e))) for e in found]
        headings = session_headings(document, found)
        key = (str(document.resolve()), "sessions")
    else:
        saved_cells = notebooks.code_cells(document)
        headings = headings_before(document)
        key = (str(document.resolve()),)
    sources = [code for code, _ in saved_cells]
    runs = _runs(sources, seeds, timeout, key)
    candidates = [n for n, (code, saved) in enumerate(saved_cells, start=1)
                  if cells.has_compared_output(list(saved)) or environment_of(code, list(saved))]
    ids = _claim_ids(topic, headings, candidates)

    spec_path = project.specs_dir / f"{topic}.yaml"
    existing = _existing(spec_path)
    mine = {c["id"]: c for c in existing["claims"] if c.get("source") == document.name and "snippet" in c}
    claims, kept = [], []
    names = imported_names(sources)
    for number in candidates:
        code, saved = saved_cells[number - 1]
        saved = [dict(o) for o in saved]
        claim = _claim(ids[number], document.name, number, code, saved, sources, [run.cells[number] for run in runs])
        if (needs := packages_used(code, names)):
            claim["requires"] = needs
        if session:
            claim["snippet"] = {"session": claim["snippet"].pop("block"), **claim["snippet"]}
            claim["quote"] = ">>> " + claim["quote"]
            claim["says"] = claim["says"].replace("Running this cell", "Running this example")
        if (old := mine.get(claim["id"])) is not None:
            kept.append(claim["id"])
            for name in KEPT_FIELDS:
                if name in old:
                    claim[name] = old[name]
            if "random" in old.get("snippet", {}):
                claim["snippet"]["random"] = old["snippet"]["random"]
        claims.append(claim)
    others = [c for c in existing["claims"] if not (c.get("source") == document.name and "snippet" in c)]
    removed = sorted(set(mine) - {c["id"] for c in claims})
    data = {"description": existing.get("description") or
            f"Claims of {document.name}: each {'>>> example' if session else 'code cell'}'s output as the document "
            "shows it, written by `torchclaims extract`.",
            "claims": others + claims}
    spec_path.parent.mkdir(parents=True, exist_ok=True)
    spec_path.write_text(yaml.safe_dump(_plain(data), sort_keys=False, allow_unicode=True, width=110), encoding="utf-8")
    return Extraction(spec_path, claims, kept, removed, copied, listed)


def _runs(sources: list[str], seeds, timeout: float, key: tuple) -> list[kernel.DocumentRun]:
    """The notebook under each seed, the kernels side by side (most of a run is waiting on one kernel).
    Cached as a claim's run is: claims judged in this process afterwards reuse the seed-0 run."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(len(seeds)) as pool:
        return list(pool.map(lambda seed: kernel.run_cells(key, sources, device="cpu", seed=seed, timeout=timeout),
                             seeds))


def _claim(claim_id: str, file: str, number: int, code: str, saved: list[dict], sources: list[str],
           runs: list[kernel.CellRun]) -> dict:
    expected = cells.observation(saved)
    snippet: dict = {"block": _block_ref(code, number, sources)}
    environment = environment_of(code, saved)
    ran = [run for run in runs if run.status in ("ok", "error")]
    if len(runs) > 1 and len(ran) == len(runs) and not environment:
        random = random_positions(*(cells.observation(run.outputs) for run in ran[:2]))
        if random:
            snippet["random"] = random
    if environment:
        snippet["environment"] = environment
        says = f"The cell shows {environment} of the machine it ran on: recorded, not compared."
    else:
        says = f"Running this cell shows {describe(expected)}." if expected else "Running this cell shows its saved output."
    claim = {"id": claim_id, "source": file, "quote": first_lines(code), "says": says,
             "devices": "cpu" if environment else needed_device(saved), "snippet": snippet}
    if any("image" in item for item in expected):
        claim["note"] = "Its image is not compared: only that the cell shows one, and its text."
    return claim


def _existing(spec_path: Path) -> dict:
    if not spec_path.exists():
        return {"claims": []}
    data = yamlsafe.load(spec_path.read_text(encoding="utf-8")) or {}
    return {"description": data.get("description"), "claims": list(data.get("claims") or [])}


def _plain(value):
    """yamlsafe's line-keeping mappings and lists as plain ones, so safe_dump writes them."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def _list_document(project, document: Path) -> bool:
    """Add the notebook to specs/sources.yaml (appended as text, so its comments stay) unless listed."""
    path = project.specs_dir / SOURCES_FILE
    if path.exists():
        data = yamlsafe.load(path.read_text(encoding="utf-8")) or {}
        if any(d.get("file") == document.name for d in data.get("documents") or []):
            return False
        text = path.read_text(encoding="utf-8")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = "# The documents this project's claims quote; each lives in ../sources/.\ndocuments:\n"
    title = (first_heading(document) if notebooks.is_notebook(document) else "") or document.stem
    entry = yaml.safe_dump([{"file": document.name, "title": title, "author": "unknown (edit me)", "site": "",
                             "date": str(date.today().year), "language": "en", "date_estimated": True, "kind": "notebook"}],
                           sort_keys=False, allow_unicode=True)
    path.write_text(text.rstrip("\n") + "\n" + entry, encoding="utf-8")
    return True


def command(args, _extra=None) -> int:
    """`torchclaims extract SOURCE [--project P] [--topic T]`."""
    from torchclaims.documents.reading import UnreadableDocument
    from torchclaims.project import Project, find_project

    project = find_project(Path(args.project)) if args.project else find_project(Path.cwd())
    if project is None:
        where = args.project or Path.cwd()
        print(f"torchclaims extract: no project at {where} (specs/sources.yaml); `torchclaims init DIR` makes one, "
              "then --project DIR", file=sys.stderr)
        return 2
    try:
        done = extract(Path(args.source), project, args.topic, timeout=args.cell_timeout)
    except (UnreadableDocument, ValueError, FileNotFoundError) as exc:
        print(f"torchclaims extract: {exc}", file=sys.stderr)
        return 2
    if done.copied_to:
        print(f"copied {args.source} to {done.copied_to}")
    if done.listed:
        print(f"listed {done.copied_to.name if done.copied_to else args.source} in {project.specs_dir / SOURCES_FILE} "
              "(set its author, site and date there)")
    kinds = {"random": sum("random" in c["snippet"] for c in done.claims),
             "environment": sum("environment" in c["snippet"] for c in done.claims),
             "accelerator": sum(c["devices"] == "accelerator" for c in done.claims)}
    print(f"{done.spec}: {len(done.claims)} claims ({kinds['random']} with random values, {kinds['environment']} "
          f"environment, not compared, {kinds['accelerator']} needing an accelerator); {len(done.kept)} kept as edited")
    if done.removed:
        print(f"removed (their cells are gone): {', '.join(done.removed)}")
    print("next: torchclaims validate; torchclaims run")
    return 0


def add_parser(commands) -> None:
    extract_parser = commands.add_parser(
        "extract", help="write a spec from a notebook: one claim per code cell with saved output",
        description="Run the notebook twice (two seeds) in a Jupyter kernel and write specs/<topic>.yaml: one "
                    "claim per code cell with saved output; random outputs compared by shape and dtype; "
                    "machine-dependent outputs recorded, not compared. Re-running keeps what you edited.")
    extract_parser.add_argument("source", help="the notebook (.ipynb); copied into the project's sources/")
    extract_parser.add_argument("--project", default=None, metavar="DIR",
                                help="the project (default: the one around the working directory)")
    extract_parser.add_argument("--topic", default=None, help="the spec's topic (default: from the file name)")
    extract_parser.add_argument("--cell-timeout", type=float, default=kernel.DEFAULT_CELL_TIMEOUT, metavar="SECONDS",
                                help="seconds each cell may run (default: %(default)s)")
    extract_parser.set_defaults(handler=command)
