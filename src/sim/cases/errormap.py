"""Turn pydantic validation errors into :class:`Problem` lines that point into the YAML file."""
from __future__ import annotations

import re
import types
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from sim.cases.problems import Problem, short_repr
from sim.cases.source import FieldPath, Source
from sim.errors import did_you_mean, validation_message

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


def _unwrap(tp: Any) -> Any:
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else tp
    return tp


def field_type(model: type[BaseModel], path: FieldPath) -> Any:
    """The annotation of the field at ``path`` below ``model`` (lists and dicts followed), or None."""
    tp: Any = model
    for part in path:
        tp = _unwrap(tp)
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            info = tp.model_fields.get(str(part))
            if info is None:
                return None
            tp = info.annotation
        elif get_origin(tp) is list:
            tp = get_args(tp)[0]
        elif get_origin(tp) is dict:
            tp = get_args(tp)[1]
        else:
            return None
    return _unwrap(tp)


def _model_of(tp: Any) -> type[BaseModel] | None:
    """The model a field holds, directly or as the items of a list or the values of a dict."""
    tp = _unwrap(tp)
    if get_origin(tp) in (list, dict):
        tp = _unwrap(get_args(tp)[-1])
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def field_paths(model: type[BaseModel], depth: int = 4) -> list[tuple[str, ...]]:
    """Every field path below ``model``, through nested models, lists and dicts of models."""
    out: list[tuple[str, ...]] = []
    for name, info in model.model_fields.items():
        out.append((name,))
        inner = _model_of(info.annotation)
        if inner is not None and depth > 1:
            out += [(name, *rest) for rest in field_paths(inner, depth - 1)]
    return out


def elsewhere_hint(model: type[BaseModel], path: FieldPath) -> str:
    """' (did you mean identity.veteran? ...)' for an unknown field that exists at another level.

    A field one level too high (``patient.veteran``) is found below its parent; any other
    place in the file's model is named by its full path. '' when the name is nowhere.
    """
    if not path or not isinstance(path[-1], str):
        return ""
    name, parent = path[-1], tuple(str(p) for p in path[:-1] if isinstance(p, str))
    holder = _model_of(field_type(model, path[:-1])) if path[:-1] else model
    if holder is not None:
        below = [p for p in field_paths(holder, 3) if p[-1] == name and len(p) > 1]
        if below:
            where = ".".join(below[0])
            under = ".".join((*parent, *below[0][:-1]))
            return f" (did you mean {where}? put it under {under}:)"
    anywhere = [p for p in field_paths(model, 6) if p[-1] == name and p[:-1] != parent]
    if anywhere:
        return f" (did you mean {'.'.join(anywhere[0])}? it belongs under {'.'.join(anywhere[0][:-1])}:)"
    return ""


def quoting_hint(source: Source, data: Any, path: FieldPath) -> str:
    """For an 'unknown field' that is text cut off at a comma in a ``{...}`` mapping: say to quote.

    In a flow mapping ``{notes: Widowed, living alone.}`` the comma ends the value, so
    ``living alone.`` is read as a field of its own.
    """
    if not path or path[:-1] not in source.flows or not isinstance(path[-1], str):
        return ""
    name = path[-1]
    if _IDENT.fullmatch(name):
        return ""
    parent: Any = data
    for part in path[:-1]:
        if isinstance(parent, dict):
            parent = parent.get(part)
        elif isinstance(parent, list) and isinstance(part, int) and 0 <= part < len(parent):
            parent = parent[part]
        else:
            return ""
    if not isinstance(parent, dict) or parent.get(name) is not None:
        return ""
    keys = list(parent)
    before = keys[keys.index(name) - 1] if name in keys and keys.index(name) > 0 else None
    example = (f'{before}: "{parent[before]}, {name}"' if before is not None and isinstance(parent[before], str)
               else f'"..., {name}"')
    return (f": in a {{...}} mapping a comma separates fields, so the text after a comma was read as a "
            f"field name; put text that contains a comma in quotes, e.g. {example}")


def data_path(loc: tuple[Any, ...], data: Any) -> FieldPath:
    """Follow a pydantic ``loc`` through ``data``, dropping union tags that are not fields."""
    path: list[str | int] = []
    current = data
    for i, part in enumerate(loc):
        if (
            isinstance(current, dict)
            and part in current
            or isinstance(current, list)
            and isinstance(part, int)
            and 0 <= part < len(current)
        ):
            path.append(part)
            current = current[part]
        elif i == len(loc) - 1 and isinstance(part, str) and _IDENT.fullmatch(part) and isinstance(current, dict):
            path.append(part)  # a missing field: name it, its place is the parent's
        elif isinstance(part, int):
            path.append(part)
            current = None
    return tuple(path)


def problems_from(exc: ValidationError, data: Any, source: Source, model: type[BaseModel],
                  extra_top: tuple[str, ...] = ()) -> list[Problem]:
    """One :class:`Problem` per pydantic error, located in ``source``.

    Args:
        exc: the validation error raised for ``model.model_validate(data)``.
        data: the data that was validated (paths in it match paths in ``source``).
        source: the parsed file, for line and column.
        model: the model validated, to name allowed fields and values.
        extra_top: keys allowed at the top level besides the model's fields (``seed``, ...).
    """
    problems: list[Problem] = []
    seen: set[tuple[FieldPath, str]] = set()
    for err in exc.errors(include_url=False):
        path = data_path(tuple(err["loc"]), data)
        kind = err["type"]
        value = err.get("input")
        key = False
        if kind == "missing":
            message = "required field is missing"
        elif kind == "extra_forbidden":
            parent = field_type(model, path[:-1])
            allowed = sorted(parent.model_fields) if isinstance(parent, type) and issubclass(parent, BaseModel) else []
            if not path[:-1]:
                allowed = sorted({*allowed, *extra_top})
            name = path[-1] if path else value
            hint = did_you_mean(name, allowed) or elsewhere_hint(model, path)
            message = (f"unknown field {name!r}{hint}{quoting_hint(source, data, path)}; "
                       f"allowed: {', '.join(allowed)}")
            key = True
        elif kind == "literal_error":
            tp = field_type(model, path)
            options = list(get_args(tp)) if get_origin(tp) is Literal else []
            shown = ", ".join(repr(o) for o in options) or err.get("ctx", {}).get("expected", "")
            message = (f"value not allowed (got {short_repr(value)}"
                       f"{did_you_mean(value, [str(o) for o in options])}; allowed: {shown})")
        elif kind in ("model_type", "model_attributes_type", "dict_type"):
            tp = field_type(model, path)
            if isinstance(tp, type) and issubclass(tp, BaseModel):
                required = [n for n, f in tp.model_fields.items() if f.is_required()] or list(tp.model_fields)[:2]
                shown = ", ".join(f"{n}: ..." for n in required)
                message = f"expected a mapping of fields ({{{shown}}}), got {short_repr(value)}"
            else:
                message = f"expected a mapping of fields, got {short_repr(value)}"
        elif kind == "list_type":
            message = f"expected a list ([a, b] or one '- item' line each), got {short_repr(value)}"
        elif kind == "value_error":
            message = validation_message(err)
        else:
            message = f"{err['msg']} (got {short_repr(value)})"
        if (path, message) in seen:
            continue
        seen.add((path, message))
        problems.append(source.problem(path, message, key=key))
    return problems
