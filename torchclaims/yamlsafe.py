"""Safe YAML loading that remembers where each mapping key stood, and rejects duplicate keys.

PyYAML's SafeLoader never executes anything; this subclass only adds line numbers
(for error messages) and refuses a key given twice (PyYAML would keep the last silently).
"""

from __future__ import annotations

import yaml


class LineDict(dict):
    """A dict from YAML that knows its own line and each key's line (1-based)."""

    line: int = 0
    key_lines: dict


class DuplicateKeyError(yaml.MarkedYAMLError):
    pass


# libyaml's parser where PyYAML was built with it (the wheels are): parsing the specs in pure
# Python took most of each xdist worker's collection; the constructor below is Python either way
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineLoader(_SafeLoader):
    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                continue  # the base class reports unhashable keys
            if key in seen:
                raise DuplicateKeyError(
                    "while constructing a mapping", node.start_mark,
                    f"found duplicate key {key!r} (first on line {seen[key] + 1})", key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line
        mapping = LineDict(super().construct_mapping(node, deep=deep))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {k: line + 1 for k, line in seen.items()}
        return mapping


def _construct_yaml_map(loader, node):
    yield loader.construct_mapping(node, deep=True)


LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_yaml_map)


def load(text: str):
    """Parse YAML text safely; mappings come back as LineDict."""
    return yaml.load(text, Loader=LineLoader)  # noqa: S506 - LineLoader is a (C)SafeLoader


def line_of(document, path) -> int | None:
    """The line of the deepest mapping key on `path` (a sequence of keys and indices)."""
    line = getattr(document, "line", None)
    node = document
    for step in path:
        if isinstance(node, LineDict):
            line = node.key_lines.get(step, line)
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
        line = getattr(node, "line", line)
    return line
