"""Read a case file safely: size limit, UTF-8, YAML syntax, no aliases, a top-level mapping.

The YAML is composed with libyaml's ``CSafeLoader`` (or, without libyaml, a :class:`yaml.SafeLoader`
subclass; never an unsafe loader), and any alias is refused before it is expanded, which also
stops "billion laughs". Besides the data, the reader returns the 1-based line and column of every
key and value, keyed by the field path, so that each problem found later can name the exact place
in the file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sim.cases.problems import Problem

MAX_BYTES = 256 * 1024
"""Largest case file accepted (256 KiB); a real case is a few KiB."""

MAX_DEPTH = 64
"""Deepest nesting of mappings and lists accepted; a case needs about eight."""

FieldPath = tuple[str | int, ...]


@dataclass
class Source:
    """A parsed case file: its data and where each field sits in the text."""

    file: str
    data: dict[str, Any]
    values: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)
    keys: dict[FieldPath, tuple[int, int]] = field(default_factory=dict)
    flows: set[FieldPath] = field(default_factory=set)
    """Paths of the mappings written in flow style (``{a: 1, b: 2}``)."""

    def where(self, path: FieldPath, *, key: bool = False) -> tuple[int, int]:
        """Line and column of ``path`` (its key when ``key``), else of its nearest ancestor."""
        table = self.keys if key else self.values
        if path in table:
            return table[path]
        for end in range(len(path) - 1, -1, -1):
            if path[:end] in self.values:
                return self.values[path[:end]]
        return (1, 1)

    def problem(self, path: FieldPath, message: str, *, key: bool = False) -> Problem:
        line, col = self.where(path, key=key)
        return Problem(self.file, line, col, dotted(path), message)


def dotted(path: FieldPath) -> str:
    """``("hidden_facts", 0, "id")`` -> ``"hidden_facts.0.id"``."""
    return ".".join(str(p) for p in path)


class _NoAliasLoader(yaml.SafeLoader):
    """A SafeLoader that refuses anchors and aliases."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise _Refused("YAML aliases are not allowed in case files "
                           f"(got *{event.anchor}); write the value out in full", event.start_mark)
        event = self.peek_event()
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _Refused("YAML aliases are not allowed in case files "
                           f"(got the anchor &{anchor}); write the value out in full", event.start_mark)
        return super().compose_node(parent, index)


@dataclass
class _FakeMark:
    line: int
    column: int


_LOADER: Any = getattr(yaml, "CSafeLoader", None) or _NoAliasLoader
"""libyaml's safe loader when available (ten times faster); aliases are then refused by
:func:`_build`, which meets a shared node twice. Otherwise the pure-Python loader above."""


class _Refused(Exception):
    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message, self.mark = message, mark


def _mark(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


_INDENT_PROBLEMS = ("mapping values are not allowed", "did not find expected key",
                    "did not find expected '-' indicator", "could not find expected ':'")


def _tab_near(text: str, mark: Any) -> tuple[int, int] | None:
    """The place of a tab in the indentation of the line YAML stopped at, or of the line above.

    Args:
        text: The file's text.
        mark: The YAML error mark (or None).

    Returns:
        (line, column), 1-based, of the tab, or None when those lines have no tab.
    """
    if mark is None:
        return None
    lines = text.split("\n")
    for index in (mark.line, mark.line - 1):
        if 0 <= index < len(lines):
            line = lines[index]
            indent = line[: len(line) - len(line.lstrip(" \t"))]
            if "\t" in indent:
                return index + 1, indent.index("\t") + 1
    return None


def _line_col_of_byte(raw: bytes, offset: int) -> tuple[int, int]:
    before = raw[:offset]
    line = before.count(b"\n") + 1
    col = offset - (before.rfind(b"\n") + 1) + 1
    return line, col


def _naive_depth(text: str) -> int:
    """Deepest nesting of ``[``/``{`` counted blindly (quotes ignored): an upper bound, cheap."""
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth = max(0, depth - 1)
    return deepest


def _nesting_too_deep(text: str) -> Any:
    """The mark where nesting passes MAX_DEPTH, from the parser's events (not recursive), or None.

    libyaml's composer recurses in C: a file of a hundred thousand ``[`` would overflow the stack,
    and some libyaml releases stop at their own depth limit with a syntax error of their own. So
    depth is checked first, on the event stream of PyYAML's pure-Python parser (iterative, with no
    limit of its own), whenever the cheap bound says it might be high: the verdict is the same
    whatever libyaml does.
    """
    loader = yaml.SafeLoader(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return event.start_mark
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return None  # the syntax error is reported by the normal parse
    finally:
        loader.dispose()
    return None


def _line_col_of_text(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def read_source(path: str | Path, display: str | None = None) -> tuple[Source | None, list[Problem]]:
    """Read and compose one case file.

    Args:
        path: the file to read.
        display: how to name the file in problems (default: ``str(path)``).

    Returns:
        ``(source, [])`` when the file is a readable YAML mapping, else ``(None, problems)``.
    """
    name = display if display is not None else str(path)

    def fail(message: str, line: int = 1, col: int = 1) -> tuple[None, list[Problem]]:
        return None, [Problem(name, line, col, "", message)]

    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_BYTES:
            return fail(f"file is too large ({size} bytes; allowed: at most {MAX_BYTES} bytes, 256 KiB)")
        raw = p.read_bytes()
    except IsADirectoryError:
        return fail("is a folder, not a case file")
    except OSError as exc:
        return fail(f"cannot read the file ({exc.strerror or exc})")
    return parse_text(raw, name)


def parse_text(raw: bytes, name: str) -> tuple[Source | None, list[Problem]]:
    """Parse the bytes of a case file (see :func:`read_source`)."""

    def fail(message: str, line: int = 1, col: int = 1) -> tuple[None, list[Problem]]:
        return None, [Problem(name, line, col, "", message)]

    if len(raw) > MAX_BYTES:
        return fail(f"file is too large ({len(raw)} bytes; allowed: at most {MAX_BYTES} bytes, 256 KiB)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _line_col_of_byte(raw, exc.start)
        return fail(f"file is not UTF-8 text (byte {raw[exc.start]:#04x} at offset {exc.start}); "
                    "save it as UTF-8", line, col)
    if "\x00" in text:
        offset = text.index("\x00")
        return fail("file contains a NUL character; is it a binary file?",
                    *_line_col_of_byte(text.encode("utf-8"), len(text[:offset].encode("utf-8"))))
    if _naive_depth(text) > MAX_DEPTH:
        deep = _nesting_too_deep(text)
        if deep is not None:
            return fail(f"YAML nesting is too deep (more than {MAX_DEPTH} levels); a case needs far fewer",
                        *_mark(deep))
    try:
        loader = _LOADER(text)
    except yaml.reader.ReaderError as exc:
        return fail(f"file contains a character YAML does not allow ({exc.character:#06x}); "
                    "remove it", *_line_col_of_text(text, exc.position))
    try:
        node = loader.get_single_node()
        if node is None:
            return fail("file is empty; a case file is a mapping with id, title, patient, referral, ...")
        if not isinstance(node, yaml.MappingNode):
            kind = {"SequenceNode": "a list", "ScalarNode": "a single value"}.get(type(node).__name__, "not a mapping")
            return fail(f"a case file must be a mapping of fields (id, title, patient, ...), got {kind}",
                        *_mark(node.start_mark))
        source = Source(name, {})
        problems: list[Problem] = []
        source.data = _build(loader, node, (), source, problems, set())
        return source, problems
    except _Refused as exc:
        return fail(exc.message, *_mark(exc.mark))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        tab = _tab_near(text, mark)
        if tab is not None:
            return fail("a tab character; YAML indents with spaces only, replace the tab with spaces", *tab)
        what = " ".join(x for x in (exc.context, exc.problem) if x) or "invalid YAML"
        if any(k in what for k in _INDENT_PROBLEMS):
            what += ("; check the indentation of this line and the line above it "
                     "(fields at the same level start in the same column)")
        return fail(f"YAML syntax error: {what}", *_mark(mark))
    except yaml.reader.ReaderError as exc:
        return fail(f"file contains a character YAML does not allow ({exc.character:#06x}); "
                    "remove it", *_line_col_of_text(text, exc.position))
    except yaml.YAMLError as exc:
        return fail(f"YAML syntax error: {' '.join(str(exc).split())}")
    except RecursionError:
        return fail("YAML nesting is too deep")
    finally:
        loader.dispose()


def _build(loader: Any, node: Any, path: FieldPath, source: Source,
           problems: list[Problem], seen: set[int]) -> Any:
    """Construct Python data from ``node`` while recording the position of every key and value.

    A node met twice is an alias (the composer shares the anchored node): refused at the place
    of its second use, before anything is expanded.
    """
    if id(node) in seen:
        line, col = source.keys.get(path, source.where(path))
        raise _Refused(f"YAML aliases are not allowed in case files (got an alias of the value at "
                       f"line {node.start_mark.line + 1}); write the value out in full",
                       _FakeMark(line - 1, col - 1))
    seen.add(id(node))
    if len(path) > MAX_DEPTH:
        raise _Refused(f"YAML nesting is too deep (more than {MAX_DEPTH} levels); a case needs far fewer",
                       node.start_mark)
    source.values[path] = _mark(node.start_mark)
    standard = {yaml.MappingNode: "tag:yaml.org,2002:map", yaml.SequenceNode: "tag:yaml.org,2002:seq"}
    if type(node) in standard and node.tag != standard[type(node)]:
        problems.append(Problem(source.file, *_mark(node.start_mark), dotted(path),
                                f"cannot read this value: tag {node.tag!r} is not allowed "
                                "(allowed: plain mappings, lists and values)"))
        return None
    if isinstance(node, yaml.MappingNode):
        if node.flow_style:
            source.flows.add(path)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            try:
                key = loader.construct_object(key_node, deep=True)
                hash(key)
            except (yaml.YAMLError, TypeError):
                problems.append(Problem(source.file, *_mark(key_node.start_mark), dotted(path),
                                        "a key must be a plain name, not a list or mapping"))
                continue
            child = (*path, key)
            if key in result:
                first = source.keys[child]
                problems.append(Problem(source.file, *_mark(key_node.start_mark), dotted(child),
                                        f"duplicate key {key!r} (first given at line {first[0]}); "
                                        "YAML would silently keep only the last one"))
            source.keys[child] = _mark(key_node.start_mark)
            result[key] = _build(loader, value_node, child, source, problems, seen)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, (*path, i), source, problems, seen) for i, item in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except yaml.constructor.ConstructorError as exc:
        problems.append(Problem(source.file, *_mark(node.start_mark), dotted(path),
                                f"cannot read this value: {exc.problem} (got {node.value!r})"))
        return node.value
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. a date like 2020-13-45
        problems.append(Problem(source.file, *_mark(node.start_mark), dotted(path),
                                f"cannot read this value: {exc} (got {node.value!r})"))
        return node.value
