"""What a block printed, as a structure the judge can compare: tensors, sizes, dtypes and words.

    tensor([[1., 2.]], dtype=torch.float64)  ->  {"tensor": {"shape": [1, 2], "dtype": "torch.float64", "values": [[1.0, 2.0]]}}
    torch.Size([5, 3])                       ->  {"size": [5, 3]}
    torch.float32                            ->  {"dtype": "torch.float32"}
    x is 0.5                                 ->  {"text": ["x", "is", 0.5]}

Values marked random (by position among the printed items, or all) keep only shape and dtype.
"""

from __future__ import annotations

import ast
import re

_ITEM = re.compile(r"tensor\(|torch\.Size\(\[([^\]]*)\]\)|torch\.(?:float|int|uint|bool|complex|bfloat)\w*")
_BARE_POINT = re.compile(r"(\d)\.(?=[\s,\]\)e]|$)")
_SPECIAL = re.compile(r"(?<![\w'])(-?)(nan|inf)(?![\w'])")


def _closing(text: str, start: int) -> int:
    """The index just past the parenthesis that closes the one before `start`."""
    depth = 1
    for index in range(start, len(text)):
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(text[index], 0)
        if depth == 0:
            return index + 1
    return len(text)


def _split_top(text: str) -> list[str]:
    parts, depth, current = [], 0, []
    for char in text:
        depth += {"(": 1, "[": 1, "<": 1, ")": -1, "]": -1, ">": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def _shape(values) -> list[int]:
    shape = []
    while isinstance(values, list):
        shape.append(len(values))
        values = values[0] if values else None
    return shape


def _tensor(inner: str) -> dict:
    data, *keywords = _split_top(inner)
    options = dict(part.split("=", 1) for part in keywords if "=" in part)
    literal = _SPECIAL.sub(lambda m: f"'{m.group(1)}{m.group(2)}'", _BARE_POINT.sub(r"\1.0", data))
    try:
        values = ast.literal_eval(literal)
    except (ValueError, SyntaxError):  # a summarised tensor ("...") or a format this does not know
        values = None
    if "dtype" in options:
        dtype = options["dtype"].strip()
    elif re.search(r"True|False", data):
        dtype = "torch.bool"
    elif re.search(r"[.e]|nan|inf", data):
        dtype = "torch.float32"
    else:
        dtype = "torch.int64"
    found = {"shape": _shape(values) if values is not None else None, "dtype": dtype, "values": values}
    if "requires_grad" in options:
        found["requires_grad"] = options["requires_grad"].strip() == "True"
    if "grad_fn" in options:
        found["grad_fn"] = options["grad_fn"].strip("<> ").split(" ")[0]
    if "device" in options:
        found["device"] = options["device"].strip("' ")
    return {"tensor": found}


def _words(text: str) -> list:
    words = []
    for word in text.split():
        try:
            words.append(int(word) if re.fullmatch(r"-?\d+", word) else float(word))
        except ValueError:
            words.append(word)
    return words


def parse(output: str, random: bool | list[int] = ()) -> list[dict]:
    """The printed items of `output`, in order; items marked random keep shape and dtype only."""
    items, position = [], 0
    for match in _ITEM.finditer(output):
        if match.start() < position:
            continue
        if (before := _words(output[position:match.start()])):
            items.append({"text": before})
        if match.group(0) == "tensor(":
            end = _closing(output, match.end())
            items.append(_tensor(output[match.end():end - 1]))
        else:
            end = match.end()
            if match.group(0).startswith("torch.Size"):
                items.append({"size": [int(n) for n in match.group(1).replace(",", " ").split()]})
            else:
                items.append({"dtype": match.group(0)})
        position = end
    if (after := _words(output[position:])):
        items.append({"text": after})
    for index, item in enumerate(items):
        if "tensor" in item and (random is True or (random and index in random)):
            item["tensor"].pop("values")
    return items
