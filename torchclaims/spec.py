"""Specs are data: load spec files safely, validate them, and turn them into Claim objects.

A project's spec file `specs/<topic>.yaml` lists claims; `specs/sources.yaml` lists the
documents they quote. Nothing in a spec is ever executed: a claim names a checker in
`suites/<topic>.py` and gives it plain arguments.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from torchclaims import yamlsafe
from torchclaims.documents.quotes import quote_problems
from torchclaims.documents.snippets import snippet_problems
from torchclaims.passages import chain_of, document_share, inherited, locate, shares
from torchclaims.paths import SCHEMAS_DIR
from torchclaims.problems import SOURCES_FILE, Problem, SpecError, shown_path  # noqa: F401 (re-exported)

# A parity claim predicts that the accelerator observes what the CPU observes.
# Prose fields, where a comment after a plain scalar (`says: a # b`) silently cuts the text.
TEXT_FIELDS = frozenset({"quote", "says", "why", "note", "name", "from", "to", "title", "notes", "date_basis", "description"})
DATA_FIELDS = frozenset({"args", "expect", "observed", "snippet", "tolerance"})   # plain data: a comment there is a comment
PARITY_EXPECT = "same-as-cpu"
SCHEMA_FILES = {"spec": "spec.schema.json", "sources": "sources.schema.json"}


@dataclass(frozen=True)
class Known:
    """What torch really does where the material is wrong."""

    observed: Any
    why: str
    since: str | None = None
    torch: str | None = None  # specifier set of the torch versions this applies to
    changed_in: str | None = None  # the release where torch changed (the document is outdated, not wrong)
    evidence: tuple[str, ...] = ()  # URLs showing that change: release notes, a PR, a docs page


@dataclass(frozen=True)
class Claim:
    id: str
    topic: str
    source: str
    quote: str
    says: str
    check: str
    expect: Any
    devices: str
    args: dict = field(default_factory=dict)
    torch: str | None = None
    requires: tuple[str, ...] = ()
    tolerance: dict | None = None
    known: tuple[Known, ...] = ()
    note: str | None = None
    quoted_from: list | None = None  # chain of {name, url, how}, immediate source first: whose words these are
    quoted_via: str = ""  # "claim": its own quoted_from; "passage": inherited from a passage of its document
    file: str = ""
    line: int = 0
    suite_path: str = ""  # the suite that holds the checker (suites/<topic>.py)
    snippet: dict | None = None  # {block, after, output, random}: run the document's own code block
    spec_path: str = ""  # the spec file, as problems name it
    source_path: str = ""  # the document (in --sources, else the project's sources/)

    @property
    def is_snippet(self) -> bool:
        return self.snippet is not None

    @property
    def checker_name(self) -> str:
        return f"{self.topic}.{self.check}"


@dataclass(frozen=True)
class Document:
    file: str
    title: str
    author: str
    site: str
    date: str
    language: str
    date_basis: str = ""  # the evidence for the date
    date_estimated: bool = False
    kind: str = ""
    notes: str = ""
    left_out: tuple = ()
    passages: tuple = ()  # spans from elsewhere: {from, to, quoted_from, note}
    borrowed: dict | None = None  # how much comes from elsewhere (passages.document_share), where measured


@dataclass(frozen=True)
class Catalogue:
    """Every claim and source document of a specs directory."""

    claims: tuple[Claim, ...]
    documents: dict[str, Document]
    specs_dir: Path

    def by_id(self) -> dict[str, Claim]:
        return {c.id: c for c in self.claims}

    def topics(self) -> list[str]:
        return sorted({c.topic for c in self.claims})


@cache
def _schema(kind: str) -> dict:
    return json.loads((SCHEMAS_DIR / SCHEMA_FILES[kind]).read_text(encoding="utf-8"))


def _parse(path: Path, problems: list[Problem]):
    try:
        return yamlsafe.load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problems.append(Problem(shown_path(path), line, None, None, f"not valid YAML: {_one_line(exc)}"))
        return None


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def _schema_problems(path: Path, document, kind: str) -> list[Problem]:
    validator = jsonschema.Draft202012Validator(_schema(kind))
    problems = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path))):
        if error.validator == "oneOf" and error.context:   # say which field of the alternative of its type is wrong
            fitting = [e for e in error.context if not (e.validator == "type" and e.absolute_path == error.absolute_path)]
            error = max(fitting, key=lambda e: len(e.absolute_path)) if fitting else error
        where = list(error.absolute_path)
        claim_id = None
        if kind == "spec" and len(where) >= 2 and where[0] == "claims" and isinstance(where[1], int):
            entry = document["claims"][where[1]]
            claim_id = entry.get("id") if isinstance(entry, dict) and isinstance(entry.get("id"), str) else f"#{where[1] + 1}"
        field_path = [str(p) for p in (where[2:] if claim_id else where)]
        line_path = list(where)
        if error.validator in ("required", "additionalProperties"):
            message = error.message
            if error.validator == "required":
                missing = re.findall(r"'([^']+)' is a required property", error.message)
                field_path += missing
                message = "required field is missing"
            else:
                extra = re.findall(r"'([^']+)'", error.message)
                field_path += extra[:1]
                line_path += extra[:1]
                allowed = sorted(error.schema.get("properties", {}))
                message = f"unknown field; expected one of: {', '.join(allowed)}"
        else:
            message = f"{error.message} (expected {_expected(error)})"
        problems.append(Problem(shown_path(path), yamlsafe.line_of(document, line_path), claim_id,
                                ".".join(field_path) or None, message))
    return problems


def _expected(error: jsonschema.ValidationError) -> str:
    schema = error.schema
    if "enum" in schema:
        return "one of " + ", ".join(map(str, schema["enum"]))
    if "pattern" in schema:
        return f"a string matching {schema['pattern']}"
    if "type" in schema:
        return f"type {schema['type']}"
    if "oneOf" in schema:
        return "a mapping or a list of mappings"
    return error.validator


def _version_problem(spec: str) -> str | None:
    try:
        SpecifierSet(spec)
    except InvalidSpecifier:
        return f"not a version range: {spec!r} (expected e.g. '>=2.0,<2.10')"
    return None


def _release_problem(text: str) -> str | None:
    try:
        Version(text)
    except InvalidVersion:
        return f"not a version: {text!r} (expected e.g. '2.0')"
    return None


def _to_claim(path: Path, entry: dict, suites_dir: Path) -> Claim:
    known = entry.get("known") or ()
    if isinstance(known, dict):
        known = (known,)
    return Claim(
        id=entry["id"], topic=path.stem, source=entry["source"], quote=entry["quote"],
        says=entry["says"], check=entry.get("check", ""), expect=entry.get("expect"), devices=entry["devices"],
        args=dict(entry.get("args") or {}), torch=entry.get("torch"),
        requires=tuple(entry.get("requires") or ()), tolerance=entry.get("tolerance"),
        known=tuple(Known(**{**k, "evidence": tuple(k.get("evidence") or ())}) for k in known), note=entry.get("note"),
        quoted_from=chain_of(entry.get("quoted_from")) or None, quoted_via="claim" if entry.get("quoted_from") else "",
        file=path.name, line=getattr(entry, "line", 0), suite_path=str(suites_dir / f"{path.stem}.py"),
        snippet=_snippet(entry.get("snippet")), spec_path=shown_path(path),
    )


def _snippet(given) -> dict | None:
    if given is None:
        return None
    return {"block": given.get("block"), "after": list(given.get("after") or []),
            **({"session": given["session"]} if given.get("session") is not None else {}),
            "random": given.get("random", []), "timeout": given.get("timeout", 300),
            **({"environment": given["environment"]} if given.get("environment") else {})}


def spec_files(specs_dir: Path) -> list[Path]:
    return sorted(p for p in specs_dir.glob("*.yaml") if p.name != SOURCES_FILE)


def load_documents(specs_dir: Path, problems: list[Problem]) -> dict[str, Document]:
    path = specs_dir / SOURCES_FILE
    if not path.exists():
        problems.append(Problem(shown_path(path), None, None, None, "missing: it lists the source documents"))
        return {}
    data = _parse(path, problems)
    if data is None:
        return {}
    found = _schema_problems(path, data, "sources") + cut_problems(path, data)
    problems.extend(found)
    if found:
        return {}
    return {d["file"]: Document(**{**d, "left_out": tuple(d.get("left_out") or ()),
                                   "passages": tuple(d.get("passages") or ())}) for d in data["documents"]}


def cut_problems(path: Path, data) -> list[Problem]:
    """Prose fields whose text a YAML comment on the same line cut off: what loads differs from what the line shows."""
    problems = []
    for where, comment in yamlsafe.cut_fields(data, TEXT_FIELDS, skip=DATA_FIELDS):
        claim_id = None
        if len(where) > 2 and where[0] == "claims" and isinstance(where[1], int):
            entry = data["claims"][where[1]]
            claim_id = entry.get("id") if isinstance(entry.get("id"), str) else f"#{where[1] + 1}"
        field_path = ".".join(str(p) for p in (where[2:] if claim_id else where))
        problems.append(Problem(shown_path(path), yamlsafe.line_of(data, list(where)), claim_id, field_path,
                                f"a YAML comment cuts this text short: it loads as {_value_at(data, where)!r} and "
                                f"drops {comment!r}; quote the string (\"...\", or a | block) to keep all of it"))
    return problems


def _value_at(data, where):
    for step in where:
        data = data[step]
    return data


def load_catalogue(specs_dir: Path, *, checkers=None, sources_dir: Path | None = None) -> Catalogue:
    """Load and validate every spec in `specs_dir`. Raises SpecError listing every problem.

    `checkers` (the "<topic>.<name>" a project's suites declare) enables the unknown-checker
    check; `sources_dir` enables the check that each quote occurs in its document.
    """
    specs_dir = Path(specs_dir).resolve()
    suites_dir = specs_dir.parent / "suites"
    problems: list[Problem] = []
    documents = load_documents(specs_dir, problems)
    claims: list[Claim] = []
    for path in spec_files(specs_dir):
        data = _parse(path, problems)
        if data is None:
            continue
        found = _schema_problems(path, data, "spec") + cut_problems(path, data)
        problems.extend(found)
        if found:
            continue
        claims.extend(_to_claim(path, entry, suites_dir) for entry in data["claims"])
    documents_dir = Path(sources_dir) if sources_dir is not None else specs_dir.parent / "sources"
    claims = [replace(c, source_path=str(documents_dir / c.source)) for c in claims]
    problems.extend(semantic_problems(claims, documents, checkers))
    if sources_dir is not None:
        problems.extend(quote_problems(claims, sources_dir, documents, specs_dir / SOURCES_FILE))
        problems.extend(snippet_problems(claims, sources_dir))
        claims, documents = with_passages(claims, documents, Path(sources_dir), specs_dir / SOURCES_FILE, problems)
    else:   # no documents here: passages are listed, not measured, and claims inherit nothing
        documents = {name: replace(d, borrowed=document_share(d, None)) if d.passages else d
                     for name, d in documents.items()}
    if problems:
        raise SpecError(problems)
    return Catalogue(tuple(claims), documents, specs_dir)


def with_passages(claims: list[Claim], documents: dict[str, Document], sources_dir: Path, sources_yaml: Path,
                  problems: list[Problem]) -> tuple[list[Claim], dict[str, Document]]:
    """Locate each document's passages: claims quoting inside one inherit its chain; documents get their borrowed share."""
    from torchclaims.documents.quotes import _document_text

    located = {}
    for name, document in documents.items():
        text = _document_text(sources_dir / name) if document.passages else None
        if text is None:
            if document.passages:
                documents[name] = replace(document, borrowed=document_share(document, sources_dir))
            continue
        spans, missing = locate(document.passages, text)
        for index, field_name, message in missing:
            problems.append(Problem(shown_path(sources_yaml), getattr(document.passages[index], "line", None), None,
                                    f"{name}: passages.{index}.{field_name}", message))
        located[name] = (text, spans)
        documents[name] = replace(document, borrowed=shares(spans, text))
    found = []
    for claim in claims:
        if not claim.quoted_from and claim.source in located:
            chain = inherited(claim.quote, *located[claim.source])
            if chain:
                claim = replace(claim, quoted_from=[dict(e) for e in chain], quoted_via="passage")
        found.append(claim)
    return found, documents


def _check_key(claim: Claim) -> str:
    """What makes two claims the same check: source, checker, arguments, expectation, devices."""
    return json.dumps(_keyed([claim.source, claim.checker_name, claim.args, claim.expect, claim.devices, claim.snippet]),
                      sort_keys=True, ensure_ascii=False, default=str)


def _keyed(value):
    """Mappings with string keys (YAML allows 0 beside '0'), so any two claims compare as JSON."""
    if isinstance(value, dict):
        return {repr(key) if not isinstance(key, str) else key: _keyed(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_keyed(item) for item in value]
    return value


def semantic_problems(claims: list[Claim], documents: dict[str, Document], checkers) -> list[Problem]:
    """What a schema cannot say: unique ids, known documents and checkers, valid ranges."""
    problems = []
    first_seen: dict[str, Claim] = {}
    same_check: dict[str, Claim] = {}
    for claim in claims:
        def problem(field_name: str, message: str, claim=claim):
            problems.append(Problem(claim.spec_path or claim.file, claim.line, claim.id, field_name, message))

        if claim.id in first_seen:
            other = first_seen[claim.id]
            problem("id", f"duplicate id (also {other.spec_path or other.file}:{other.line})")
        first_seen.setdefault(claim.id, claim)
        if documents and claim.source not in documents:
            problem("source", f"unknown document {claim.source!r}; expected one of: {', '.join(sorted(documents))}")
        if (twin := same_check.get(_check_key(claim))) is not None:
            problem("check", f"the same check as {twin.id} ({twin.file}:{twin.line}): same source, check, args, "
                             "expect and devices; one claim says it once")
        same_check.setdefault(_check_key(claim), claim)
        if claim.is_snippet:
            if claim.check or claim.expect is not None or claim.args:
                problem("snippet", "a snippet claim has no check, args or expect: the document's printed output is what it expects")
            if claim.source.lower().endswith(".ipynb"):
                if claim.devices not in ("cpu", "accelerator"):
                    problem("devices", "a notebook's cell runs as its author ran it: devices: cpu, or accelerator "
                                       "where its saved output names an accelerator")
            elif claim.devices not in ("cpu",):
                problem("devices", "a snippet claim runs the document's code as it is, on the CPU: devices: cpu")
        elif checkers is not None and claim.checker_name not in checkers and f"{claim.topic}.*" not in checkers:
            problem("check", f"no checker {claim.check!r} in suites/{claim.topic}.py")
        if (claim.devices == "parity") != (claim.expect == PARITY_EXPECT):
            problem("expect", f"a parity claim expects {PARITY_EXPECT!r} (the CPU's observation), and only a parity claim does")
        for name, spec in [("torch", claim.torch), *(("known.torch", k.torch) for k in claim.known)]:
            if spec is not None and (message := _version_problem(spec)):
                problem(name, message)
        for known in claim.known:
            if known.since is not None and (message := _release_problem(known.since)):
                problem("known.since", message)
            if known.changed_in is not None and (message := _release_problem(known.changed_in)):
                problem("known.changed_in", message)
    return problems
