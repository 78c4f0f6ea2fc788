"""A kernel cell's outputs as a structure the judge compares, the same for saved and fresh outputs.

Compared: what the cell printed on stdout, its displayed results (`text/plain`, as Jupyter shows
them), that it displayed an image (never the image itself), and the error it raised (name, and the
message's words with numbers compared within tolerance). Not compared: stderr (warnings and progress
bars change with every release; they are recorded as the cell's warnings), timings (`%%time`'s lines,
`%timeit`), widgets (a progress bar's state), and object addresses (`at 0x7f...`).

Items marked random (by position, or all) keep shape and dtype only; a random number in text
keeps its kind (int or float).
"""

from __future__ import annotations

import re

from torchclaims.documents.printed import parse

WIDGET_MIME = "application/vnd.jupyter.widget"
_ADDRESS = re.compile(r"\bat 0x[0-9a-fA-F]+")
# %%time / %time, and %timeit's summary line
_TIMING_LINE = re.compile(r"^(?:CPU times:|Wall time:).*$|^.* ± .* per loop \(.*\)$|^\d+ loops?, best of \d+: .* per loop$",
                          re.MULTILINE)


def _normalised(text: str) -> str:
    text = text.replace("\r\n", "\n")
    text = _ADDRESS.sub("at 0x…", text)
    return _TIMING_LINE.sub("", text)


def observation(outputs: list[dict], random: bool | list[int] = ()) -> list[dict]:
    """The compared items of a cell's Jupyter outputs, in order."""
    items: list[dict] = []
    printed: list[str] = []

    def flush():
        if printed:
            items.extend(parse(_normalised("".join(printed))))
            printed.clear()

    for output in outputs:
        kind = output.get("output_type")
        if kind == "stream" and output.get("name") == "stdout":
            printed.append(_text(output.get("text", "")))
        elif kind in ("execute_result", "display_data"):
            data = output.get("data", {})
            if any(mime.startswith(WIDGET_MIME) for mime in data):
                continue  # a live widget (tqdm.auto's progress bar): its text is a snapshot of its state
            if "text/plain" in data:
                printed.append(_text(data["text/plain"]) + "\n")
            images = sorted(mime for mime in data if mime.startswith("image/"))
            if images:
                flush()
                items.append({"image": images[0]})
        elif kind == "error":
            flush()
            items.append({"error": {"ename": output.get("ename", ""), "message": _words(output.get("evalue", ""))}})
    flush()
    return _randomised(items, random)


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _words(text: str) -> list:
    return [item for part in parse(_normalised(text)) for item in ([part] if "text" not in part else part["text"])]


def _randomised(items: list[dict], random) -> list[dict]:
    for index, item in enumerate(items):
        if random is True or (random and index in random):
            if "tensor" in item:
                item["tensor"].pop("values", None)
            elif "text" in item:
                item["text"] = [_kind(word) for word in item["text"]]
    return items


def _kind(word):
    if isinstance(word, bool) or not isinstance(word, (int, float)):
        return word
    return "<int>" if isinstance(word, int) else "<float>"


def has_compared_output(outputs: list[dict]) -> bool:
    """Whether a saved cell shows something this compares (text, an error, an image)."""
    return bool(observation(outputs))


def stderr_text(outputs: list[dict]) -> str:
    return "".join(_text(o.get("text", "")) for o in outputs
                   if o.get("output_type") == "stream" and o.get("name") == "stderr")


def shown_text(outputs: list[dict]) -> str:
    """What the cell showed as text (stdout and displayed results), as it was: for the record, not compared."""
    return "".join(_text(o.get("text", "")) if o.get("output_type") == "stream" and o.get("name") == "stdout"
                   else _text(o.get("data", {}).get("text/plain", "")) + "\n" if o.get("output_type") in
                   ("execute_result", "display_data") else "" for o in outputs)
