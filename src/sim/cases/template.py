"""Templates: value specs (``between``, ``choice``, ``weights``) and text placeholders.

A field of a template (``template: true``) may hold, instead of a value:

* ``{between: [a, b]}``: an integer (both ends integers, inclusive), a float (either end a
  float; rounded to the finer of 2 decimals or the decimals written), or a date (both ends ISO
  dates, inclusive);
* ``{choice: [x, y, ...]}``: one of the listed values, each equally likely (a listed value may
  itself be a spec);
* ``{weights: {x: 3, y: 1}}``: one of the keys, with probability proportional to its weight;
* ``{from_codes: true}``, only as ``patient.medical.charlson_index``: not drawn but derived, once
  the patient is complete, from its ICD-10-CM codes (primary diagnosis and comorbidities) with
  the Charlson weights of the package (Quan et al. 2005), so the index always agrees with the
  diagnoses drawn (see :func:`derive_from_codes`).

Resolution is deterministic: one ``numpy.random.default_rng(seed)`` draws for every spec, walking
the document depth-first with mapping keys in sorted order and list items in order. Reordering
the keys of a file does not change the case; adding a spec may change those that sort after it.

Text placeholders ``{patient.identity.given_name}``, ``{patient.identity.name}``,
``{patient.family.0.name}``, ``{patient.medical.primary_diagnosis.label}`` ... are filled after
the patient is generated, in every string of the case. Only ``{patient....}`` is a placeholder;
other braces are left alone. In YAML, quote a text that starts with ``{`` (it would otherwise be
read as a mapping).
"""
from __future__ import annotations

import math
import re
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from sim.cases.problems import Problem, short_repr
from sim.cases.source import FieldPath, Source, dotted
from sim.errors import did_you_mean

SPEC_KEYS = ("between", "choice", "weights", "from_codes")
DERIVED = "from_codes"
"""The spec that is derived from the complete patient instead of drawn."""
CHARLSON_PATH: FieldPath = ("patient", "medical", "charlson_index")
"""The one field ``from_codes`` may stand for."""
ALLOWED = "between, choice, weights or from_codes"
PLACEHOLDER = re.compile(r"\{(patient(?:\.[A-Za-z0-9_]+)+)\}")


def spec_kind(value: Any) -> str | None:
    """``"between"``, ``"choice"``, ``"weights"`` or ``"from_codes"`` when ``value`` is a spec, else None."""
    if isinstance(value, dict) and any(k in SPEC_KEYS for k in value):
        return next(k for k in SPEC_KEYS if k in value)
    return None


def find_specs(data: Any, path: FieldPath = ()) -> list[FieldPath]:
    """Paths of every spec in ``data`` (used to flag specs in a file that is not a template)."""
    if spec_kind(data):
        return [path]
    if isinstance(data, dict):
        return [p for k in sorted(data, key=str) for p in find_specs(data[k], (*path, k))]
    if isinstance(data, list):
        return [p for i, item in enumerate(data) for p in find_specs(item, (*path, i))]
    return []


def resolve(data: Any, seed: int, source: Source) -> tuple[Any, list[Problem]]:
    """Replace every spec in ``data`` by a value drawn with ``default_rng(seed)``.

    Returns:
        The resolved data (a new structure; ``data`` is not changed) and the problems found in
        malformed specs (a malformed spec is left as is).
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    problems: list[Problem] = []
    return _resolve(data, (), rng, source, problems), problems


def _resolve(value: Any, path: FieldPath, rng: Any, source: Source, problems: list[Problem]) -> Any:
    kind = spec_kind(value)
    if kind is not None:
        if len(value) != 1:
            extra = sorted(str(k) for k in value if k != kind)
            problems.append(source.problem(path, f"a spec has exactly one key ({kind}), got also "
                                           f"{', '.join(extra)}; allowed: {ALLOWED}"))
            return value
        if kind == DERIVED:
            _check_derived(value[kind], path, source, problems)
            return value  # replaced by derive_from_codes once the patient is complete
        drawn, ok = _draw(kind, value[kind], (*path, kind), rng, source, problems)
        return _resolve(drawn, path, rng, source, problems) if ok else value
    if isinstance(value, dict) and len(value) == 1:
        import difflib

        (key,) = value
        close = difflib.get_close_matches(str(key), SPEC_KEYS, n=1, cutoff=0.75)
        if close and key not in SPEC_KEYS:
            problems.append(source.problem((*path, key), f"unknown spec {key!r} (did you mean {close[0]!r}?); "
                                           f"allowed: {ALLOWED}"))
            return value
    if isinstance(value, dict):
        drawn = {k: _resolve(value[k], (*path, k), rng, source, problems)
                 for k in sorted(value, key=str)}
        return {k: drawn[k] for k in value}  # drawn in sorted order, kept in the file's order
    if isinstance(value, list):
        return [_resolve(item, (*path, i), rng, source, problems) for i, item in enumerate(value)]
    return value


def _check_derived(arg: Any, path: FieldPath, source: Source, problems: list[Problem]) -> None:
    if tuple(path) != CHARLSON_PATH:
        problems.append(source.problem((*path, DERIVED), (
            f"from_codes derives the Charlson index and stands only as {dotted(CHARLSON_PATH)} "
            f"(found at {dotted(path) or 'the top level'}); draw this field with between, choice or weights")))
    elif arg is not True:
        problems.append(source.problem((*path, DERIVED), (
            f"from_codes takes true (got {short_repr(arg)}): write charlson_index: {{from_codes: true}}, "
            "or give the index as a number")))


def is_derived(value: Any) -> bool:
    """Whether ``value`` is the ``{from_codes: true}`` spec."""
    return isinstance(value, dict) and value == {DERIVED: True}


def diagnosis_codes(medical: Any) -> list[str] | None:
    """Primary diagnosis and comorbidity codes of a patient's ``medical`` mapping (None if malformed)."""
    if not isinstance(medical, dict):
        return None
    primary = medical.get("primary_diagnosis")
    others = medical.get("comorbidities") or []
    if not isinstance(primary, dict) or not isinstance(others, list):
        return None
    codes = [primary.get("code"), *(c.get("code") if isinstance(c, dict) else None for c in others)]
    return [c for c in codes if isinstance(c, str)] if all(isinstance(c, str) for c in codes) else None


def derive_from_codes(patient: Any, source: Source, *, listed_only: bool = False) -> tuple[Any, list[Problem]]:
    """``patient`` (as data) with ``medical.charlson_index: {from_codes: true}`` replaced by the
    Charlson index of its codes (:func:`sim.generate.medical.charlson_index`, Quan et al. 2005).

    Args:
        patient: the patient's fields, as given or completed by the generator.
        source: the file, to locate problems.
        listed_only: derive only when ``patient`` lists both the primary diagnosis and the
            comorbidities (before the generator completes a partial patient), else leave it.
    """
    medical = patient.get("medical") if isinstance(patient, dict) else None
    if not isinstance(medical, dict) or not is_derived(medical.get("charlson_index")):
        return patient, []
    codes = diagnosis_codes(medical)
    if listed_only and (codes is None or "comorbidities" not in medical):
        return patient, []
    if codes is None:
        return patient, [source.problem(CHARLSON_PATH, (
            "charlson_index: {from_codes: true} needs patient.medical.primary_diagnosis and comorbidities "
            "with a code each; fix those or give the index as a number"))]
    from sim.generate.medical import charlson_index

    return {**patient, "medical": {**medical, "charlson_index": charlson_index(codes)}}, []


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _decimals(x: float) -> int:
    text = repr(float(x))
    return len(text.split(".")[1]) if "." in text and "e" not in text else 2


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _draw(kind: str, arg: Any, path: FieldPath, rng: Any, source: Source,
          problems: list[Problem]) -> tuple[Any, bool]:
    try:
        return _draw_checked(kind, arg, path, rng, source, problems)
    except (ValueError, OverflowError) as exc:  # e.g. bounds beyond 64-bit integers
        problems.append(source.problem(path, f"{kind} cannot draw from {short_repr(arg)}: {exc}"))
        return None, False


def _finite(*values: Any) -> bool:
    return all(math.isfinite(v) for v in values)


def _draw_checked(kind: str, arg: Any, path: FieldPath, rng: Any, source: Source,
                  problems: list[Problem]) -> tuple[Any, bool]:
    def bad(message: str) -> tuple[Any, bool]:
        problems.append(source.problem(path, message))
        return None, False

    if kind == "between":
        if not isinstance(arg, list) or len(arg) != 2:
            return bad(f"between takes a list of two values [low, high] (got {short_repr(arg)})")
        low, high = arg
        if isinstance(low, int) and isinstance(high, int) and not isinstance(low, bool) and not isinstance(high, bool):
            if low > high:
                return bad(f"between needs low <= high (got [{low}, {high}])")
            return int(rng.integers(low, high, endpoint=True)), True
        if _is_number(low) and _is_number(high):
            if not _finite(low, high):
                return bad(f"between needs finite numbers (got {short_repr(arg)})")
            if low > high:
                return bad(f"between needs low <= high (got [{low}, {high}])")
            places = max(2, _decimals(low), _decimals(high))
            return round(float(rng.uniform(low, high)), places), True
        d_low, d_high = _as_date(low), _as_date(high)
        if d_low is not None and d_high is not None:
            if d_low > d_high:
                return bad(f"between needs the earlier date first (got [{d_low}, {d_high}])")
            days = (d_high - d_low).days
            return date.fromordinal(d_low.toordinal() + int(rng.integers(0, days, endpoint=True))), True
        return bad(f"between takes two integers, two numbers or two ISO dates (got {short_repr(arg)})")
    if kind == "choice":
        if not isinstance(arg, list) or not arg:
            return bad(f"choice takes a non-empty list of values (got {short_repr(arg)})")
        return arg[int(rng.integers(0, len(arg)))], True
    # weights
    if not isinstance(arg, dict) or not arg:
        return bad(f"weights takes a non-empty mapping of value: weight (got {short_repr(arg)})")
    options = list(arg)
    weights = [arg[o] for o in options]
    for option, weight in zip(options, weights, strict=False):
        if not _is_number(weight) or not _finite(weight) or weight < 0:
            return bad(f"weight of {option!r} must be a number >= 0 (got {short_repr(weight)})")
    total = float(sum(weights))
    if total <= 0:
        return bad("weights must not all be 0")
    index = int(rng.choice(len(options), p=[w / total for w in weights]))
    return options[index], True


# --- placeholders -------------------------------------------------------------------------

def _attribute_names(obj: Any) -> list[str]:
    if isinstance(obj, BaseModel):
        names = list(type(obj).model_fields)
        names += [n for n, v in vars(type(obj)).items() if isinstance(v, property)]
        return names
    return []


def lookup(patient: BaseModel, dotted_name: str) -> Any:
    """The value of ``patient.a.b.0.c``; raises LookupError with a helpful message."""
    obj: Any = patient
    parts = dotted_name.split(".")[1:]
    for i, part in enumerate(parts):
        where = ".".join(["patient", *parts[:i]])
        if isinstance(obj, list):
            if not part.isdigit() or int(part) >= len(obj):
                raise LookupError(f"{where} is a list of {len(obj)}; use an index 0..{len(obj) - 1} (got {part!r})")
            obj = obj[int(part)]
            continue
        allowed = _attribute_names(obj)
        if part not in allowed:
            if not allowed:
                raise LookupError(f"{where} is a plain value; it has no {part!r}")
            raise LookupError(
                f"{where} has no {part!r}{did_you_mean(part, allowed)}; allowed: {', '.join(sorted(allowed))}"
            )
        obj = getattr(obj, part)
    return obj


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, BaseModel):
        name = getattr(value, "name", None)
        return str(name) if isinstance(name, str) else str(value)
    return str(value)


def fill_placeholders(data: Any, patient: BaseModel, source: Source,
                      path: FieldPath = ()) -> tuple[Any, list[Problem]]:
    """Replace ``{patient....}`` placeholders in every string of ``data``."""
    problems: list[Problem] = []

    def walk(value: Any, where: FieldPath) -> Any:
        if isinstance(value, str) and "{patient." in value:
            def sub(match: re.Match[str]) -> str:
                try:
                    return _text(lookup(patient, match.group(1)))
                except LookupError as exc:
                    problems.append(source.problem(where, f"unknown placeholder {{{match.group(1)}}}: {exc}"))
                    return match.group(0)
            return PLACEHOLDER.sub(sub, value)
        if isinstance(value, dict):
            return {k: walk(v, (*where, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, (*where, i)) for i, v in enumerate(value)]
        return value

    return walk(data, path), problems


__all__ = ["SPEC_KEYS", "derive_from_codes", "diagnosis_codes", "dotted", "fill_placeholders", "find_specs",
           "is_derived", "lookup", "resolve", "spec_kind"]
