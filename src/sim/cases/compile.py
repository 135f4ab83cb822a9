"""Compile a parsed case file into a :class:`Case`: resolve the template, complete the patient,
fill placeholders, validate, check consistency. Every problem is collected, none raised.

Pipeline, for a file with ``seed: S`` (or the seed given by the caller):

1. top-level ``format`` (a supported case format version; none is format 1), ``seed`` (int >= 0,
   default 0) and ``template`` (bool, default false) are read; a format-1 file is upgraded in
   memory (see :mod:`sim.cases.formats`) after its template specs are drawn;
2. in a template, each ``between``/``choice``/``weights`` spec is drawn (see
   :mod:`sim.cases.template`); in any other file a spec is a problem;
3. ``patient:`` may be partial. When it is already a complete, valid patient it is used as is.
   Otherwise ``sim.generate_patient(S, **constraints)`` generates one, the constraints taken
   from what the file fixes (setting, age, sex, ...), and the given fields are laid over it:
   mappings merge key by key, a list given replaces the generated list;
   ``charlson_index: {from_codes: true}`` is then replaced by the index of the patient's codes;
4. ``{patient....}`` placeholders are filled in every text;
5. the whole is validated as a :class:`Case`, then checked for contradictions.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from sim.cases.checks import check_case
from sim.cases.errormap import problems_from
from sim.cases.formats import current_format, file_format, problems_of_format, upgrade
from sim.cases.problems import Problem, short_repr
from sim.cases.source import Source
from sim.cases.template import derive_from_codes, fill_placeholders, find_specs, resolve
from sim.errors import SimError
from sim.model import Patient
from sim.model.case import Case
from sim.seeds import MAX_SEED, seed_problem

META_KEYS = ("format", "seed", "template")
"""Top-level keys of a case file that are not fields of :class:`Case`."""


@dataclass
class Compiled:
    """The outcome of compiling one case file."""

    source: Source
    seed: int
    template: bool
    resolved: dict[str, Any] = field(default_factory=dict)
    case: Case | None = None
    problems: list[Problem] = field(default_factory=list)


def merge(base: Any, over: Any) -> Any:
    """Deep merge: mappings merge key by key; anything else in ``over`` replaces ``base``."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = merge(base.get(key), value) if key in base else value
        return out
    return over


def _constraints(given: dict[str, Any]) -> dict[str, Any]:
    """What a partial patient fixes, as keyword constraints for ``generate_patient``.

    ``setting``, ``sex``, ``insurance``, ``language`` as given; ``age`` as ``age_range=(age, age)``;
    ``needs`` as ``{domain: severity}`` and ``risks`` as the kinds above level none, so that the
    generated latent state (and the screening answers drawn from it) fits the fixed profile.
    """
    def get(*path: str) -> Any:
        node: Any = given
        for part in path:
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    found: dict[str, Any] = {
        "setting": get("medical", "setting"),
        "sex": get("identity", "sex"),
        "insurance": get("economics", "insurance"),
        "language": get("identity", "language"),
    }
    age = get("identity", "age")
    if isinstance(age, int) and not isinstance(age, bool):
        found["age_range"] = (age, age)
    needs = get("profile", "needs")
    if isinstance(needs, list):
        found["needs"] = {n["domain"]: n["severity"] for n in needs
                          if isinstance(n, dict) and isinstance(n.get("domain"), str)
                          and n.get("severity") in (1, 2, 3) and not isinstance(n.get("severity"), bool)}
    risks = get("profile", "risks")
    if isinstance(risks, list):
        found["risks"] = [r["kind"] for r in risks if isinstance(r, dict) and isinstance(r.get("kind"), str)
                          and r.get("level") in ("low", "moderate", "high")]
    return {k: v for k, v in found.items() if v not in (None, {}, [])}


def _accepted(func: Any, constraints: dict[str, Any]) -> dict[str, Any]:
    """Keep the constraints ``func`` accepts (all when it takes ``**kwargs``)."""
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return constraints
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return constraints
    return {k: v for k, v in constraints.items() if k in params}


FALLBACKS = (("setting", "age_range", "sex"), ("setting",), ())
"""When the generator cannot honour every fixed field, it is asked for fewer of them; the fixed
values are laid over the result anyway and validated there."""


def generate_for(seed: int, given: dict[str, Any]) -> dict[str, Any]:
    """A generated patient (as data) honouring what ``given`` fixes; raises SimError if impossible."""
    from sim.generate import generate_patient

    constraints = _accepted(generate_patient, _constraints(given))
    try:
        try:
            patient = generate_patient(seed, **constraints)
        except SimError as first:
            for keep in FALLBACKS:
                try:
                    patient = generate_patient(seed, **{k: v for k, v in constraints.items() if k in keep})
                    break
                except SimError:
                    continue
            else:
                raise first
    except SimError:
        raise
    except Exception as exc:  # a defect in the generator: report it as a problem, not a traceback
        raise SimError(f"the patient generator failed ({type(exc).__name__}: {exc})") from exc
    return patient.model_dump(mode="python")


def _complete_patient(given: Any) -> bool:
    if not isinstance(given, dict):
        return True  # not a mapping: nothing to complete; validation will say what is wrong
    try:
        Patient.model_validate(given)
        return True
    except (ValidationError, SimError, ValueError):
        return False


def compile_source(source: Source, seed: int | None = None) -> Compiled:
    """Compile a parsed case file; ``seed`` overrides the file's ``seed:``."""
    data = dict(source.data)
    problems: list[Problem] = problems_of_format(source)
    version = file_format(data) if not problems else current_format()
    data.pop("format", None)
    file_seed = data.pop("seed", 0)
    if seed_problem(file_seed) is not None:
        problems.append(source.problem(("seed",), f"seed must be a whole number from 0 to {MAX_SEED} "
                                                  f"(got {short_repr(file_seed)})"))
        file_seed = 0
    is_template = data.pop("template", False)
    if not isinstance(is_template, bool):
        problems.append(
            source.problem(("template",), f"template must be true or false (got {short_repr(is_template)})")
        )
        is_template = True
    effective = file_seed if seed is None else seed
    out = Compiled(source, effective, is_template)

    if is_template:
        data, spec_problems = resolve(data, effective, source)
        problems += spec_problems
    else:
        for path in find_specs(data):
            problems.append(source.problem(path, "between/choice/weights/from_codes are only allowed in a template; "
                                           "add 'template: true' at the top of the file or give one value"))
    if problems:
        out.problems = problems
        return out
    if version < current_format():
        data, _ = upgrade(data)

    given = data.get("patient", {})
    if given is None:
        given = {}
    given, derive_problems = derive_from_codes(given, source, listed_only=True)  # a complete patient stays so
    problems += derive_problems
    patient_data: Any = given
    if not _complete_patient(given):
        try:
            patient_data = merge(generate_for(effective, given), given)
        except SimError as exc:
            problems.append(source.problem(("patient",), f"cannot generate a patient for these fields: {exc}"))
    patient_data, derive_problems = derive_from_codes(patient_data, source)
    problems += derive_problems
    data["patient"] = patient_data
    out.resolved = data

    try:
        patient = Patient.model_validate(patient_data)
    except (ValidationError, ValueError):
        patient = None
    if patient is not None:
        data, fill_problems = fill_placeholders(data, patient, source)
        problems += fill_problems
        out.resolved = data
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        problems += problems_from(exc, data, source, Case, extra_top=META_KEYS)
        case = None
    if case is not None:
        problems += check_case(case, source)
    out.problems = problems
    out.case = case if not problems else None
    return out
