"""Safe YAML loading that remembers where each mapping key stood, and rejects duplicate keys.

PyYAML's SafeLoader never executes anything; this subclass only adds line numbers
(for error messages), refuses a key given twice (PyYAML would keep the last silently), and
notes each plain scalar that a comment on its line ends (`says: a # b` loads as 'a').
"""

from __future__ import annotations

import re

import yaml

_COMMENT_AFTER = re.compile(r"[ \t]+#")


class LineDict(dict):
    """A dict from YAML that knows its own line and each key's line (1-based)."""

    line: int = 0
    key_lines: dict
    cut: dict     # key -> the comment that ended its plain scalar value on the same line ('# ...')


class DuplicateKeyError(yaml.MarkedYAMLError):
    pass


# libyaml's parser where PyYAML was built with it (the wheels are): parsing the specs in pure
# Python took most of each xdist worker's collection; the constructor below is Python either way
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineLoader(_SafeLoader):
    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        cut: dict = {}
        for key_node, value_node in node.value:
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
            if (comment := self._comment_after(value_node)) is not None:
                cut[key] = comment
        mapping = LineDict(super().construct_mapping(node, deep=deep))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {k: line + 1 for k, line in seen.items()}
        mapping.cut = cut
        return mapping

    def _comment_after(self, node) -> str | None:
        """The comment that follows a plain string scalar on the line where it ends, if any."""
        lines = getattr(self, "source_lines", None)
        if (lines is None or not isinstance(node, yaml.ScalarNode) or node.style not in (None, "")
                or node.tag != "tag:yaml.org,2002:str" or node.end_mark.line >= len(lines)):
            return None
        rest = lines[node.end_mark.line][node.end_mark.column:]
        return rest.strip() if _COMMENT_AFTER.match(rest) else None


def _construct_yaml_map(loader, node):
    yield loader.construct_mapping(node, deep=True)


LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_yaml_map)


def load(text: str):
    """Parse YAML text safely; mappings come back as LineDict."""
    loader = LineLoader(text)  # a (C)SafeLoader
    loader.source_lines = text.splitlines()
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def cut_fields(document, keys, skip=(), path=()) -> list[tuple[tuple, str]]:
    """(path, comment) of each value under one of `keys` that a comment on its line cut short, anywhere in `document`
    but under the keys in `skip` (data, not prose: a checker's args, an expected value)."""
    found = []
    if isinstance(document, dict):
        for key, value in document.items():
            if key in keys and key in getattr(document, "cut", {}):
                found.append(((*path, key), document.cut[key]))
            if key not in skip:
                found += cut_fields(value, keys, skip, (*path, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            found += cut_fields(value, keys, skip, (*path, index))
    return found


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
