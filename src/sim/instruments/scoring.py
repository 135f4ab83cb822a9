"""Published scoring of the screening instruments, driven by their data files.

:func:`score` takes the answers in the form each kind of instrument uses (see its docstring),
checks them against the definition, and returns a :class:`ScoreResult`: total, band, positive,
flags and the required next steps.
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import Field

from sim.errors import UnknownQuestionError
from sim.instruments.definition import Condition, Instrument, Item, Option, get
from sim.instruments.errors import (
    ContextError,
    InstrumentError,
    ItemCountError,
    MissingAnswerError,
    PointsError,
    SkipLogicError,
    UnknownOptionError,
)
from sim.model.base import FrozenModel
from sim.model.blocks import Block, Line, Renders, Section

if TYPE_CHECKING:
    from sim.model.patient import Patient

Chosen = dict[str, list[Option]]


class ScoreResult(Renders, FrozenModel):
    """What an instrument's scoring says about one set of answers (synthetic patients only)."""

    instrument: str
    name: str
    total: int | None = None
    max_total: int | None = None
    band: str | None = None
    positive: bool | None = None
    flags: list[str] = Field(default_factory=list)
    next_steps: list[str] = Field(default_factory=list)
    domains: dict[str, bool] | None = None
    subtotals: dict[str, int] = Field(default_factory=dict)
    components: dict[str, int] = Field(default_factory=dict)
    answers: dict[str, str | list[str] | float | bool | None] = Field(default_factory=dict)

    def summary(self) -> str:
        """One line: name, total, band, positive, flags."""
        parts = [self.name]
        if self.total is not None:
            parts.append(f"total {self.total}/{self.max_total}")
        if self.band:
            parts.append(f"({self.band})")
        if self.domains is not None:
            hits = [d for d, pos in self.domains.items() if pos]
            parts.append("positive domains: " + (", ".join(hits) if hits else "none"))
        elif self.positive is not None:
            parts.append("positive" if self.positive else "negative")
        if self.flags:
            parts.append("flags: " + "; ".join(self.flags))
        return " ".join(parts)

    def block(self) -> Block:
        """The result as a feedback block: headline (total, band), positive or not, each domain,
        the flags (⚠) and the next steps."""
        head = self.name + (f": {self.total} of {self.max_total}" if self.total is not None else "")
        if self.band:
            head += f", {self.band}" + (" risk" if self.instrument == "cssrs_screener" else "")
        notes = ([f"{'Positive' if self.positive else 'Negative'} screen."]
                 if self.domains is None and self.positive is not None and self.instrument != "cssrs_screener" else [])
        sections = [Section(title="Domains", lines=[
            Line(kind="warning" if hit else "praise",
                 text=f"{d.replace('_', ' ')}: {'positive' if hit else 'negative'}")
            for d, hit in (self.domains or {}).items()]),
            Section(title="Flags", lines=[Line(kind="error", text=f) for f in self.flags]),
            Section(title="Next step" + ("s" if len(self.next_steps) > 1 else ""),
                    lines=[Line(kind="warning", text=s) for s in self.next_steps])]
        return Block(css="sim-instrument-result", title=head, notes=notes, sections=[s for s in sections if s.lines],
                     footer="Synthetic teaching patient: not a real person.")


def resolve(instrument: str | Instrument) -> Instrument:
    """An :class:`Instrument` from an id or a definition."""
    return instrument if isinstance(instrument, Instrument) else get(instrument)


def score(instrument: str | Instrument, responses: Any = None, **context: Any) -> ScoreResult:
    """Score one set of answers to an instrument.

    Forms of ``responses`` by instrument:

    * item-scored (phq9, phq2, gad7, auditc, hits, zbi4, zbi12, katz_adl, lawton_iadl): a list of
      item points in item order, e.g. ``score("phq9", [0, 1, 2, 3, 0, 0, 1, 1, 0])``. AUDIT-C
      also needs ``sex="female"`` or ``sex="male"``.
    * ``ahc_hrsn``: a mapping question id -> chosen option id, e.g. ``{"q1": "steady", "q2":
      "none", "q3": "never", ..., "q7": "never", ...}``; q2 (choose all that apply) also takes a
      list of option ids. All ten questions must be answered.
    * ``cssrs_screener``: a mapping of ``q1`` .. ``q6`` to yes/no (``True``/``False`` or
      ``"yes"``/``"no"``). q3-q5 are asked only when q2 is yes: leave them out (or None)
      otherwise. When q6 is yes, give ``recency="past_month" | "past_3_months" | "lifetime"``
      (as a keyword or a ``"recency"`` key of the mapping).
    * ``lace``: no responses; keywords ``los_days=, emergent=, charlson=, ed_visits=`` (or a
      mapping with those keys). See :func:`lace`.

    ``instrument`` is an id or an :class:`Instrument` (e.g. an instructor's edited copy).

    Raises:
        InstrumentError: a subclass naming the instrument, the item and what is allowed.
    """
    defn = resolve(instrument)
    if defn.kind == "lace":
        if isinstance(responses, Mapping):
            context = {**dict(responses), **context}
        elif responses is not None:
            raise InstrumentError(defn.id, "takes the keywords los_days, emergent, charlson, "
                                  f"ed_visits (or a mapping of them), not {responses!r}")
        return _score_lace(defn, context)
    if defn.kind == "summed":
        ctx = _check_context(defn, context)
        chosen = _parse_points(defn, responses)
        return _result(defn, chosen, ctx)
    if defn.kind == "ahc_hrsn":
        _check_context(defn, context)
        return _result(defn, _parse_options(defn, responses), {})
    responses = dict(responses) if isinstance(responses, Mapping) else responses
    if isinstance(responses, dict) and "recency" in responses:
        if "recency" in context and context["recency"] != responses["recency"]:
            raise ContextError(defn.id, "recency given twice with different values")
        context = {**context, "recency": responses.pop("recency")}
    recency = context.pop("recency", None)
    _check_context(defn, context)
    chosen = _parse_yes_no(defn, responses)
    return _result(defn, chosen, {}, recency=_check_recency(defn, chosen, recency))


def lace(*, los_days: float, emergent: bool, charlson: int, ed_visits: int) -> ScoreResult:
    """Score the LACE index from the chart.

    Args:
        los_days: length of stay in days (under 1 day scores 0; 14 or more scores 7).
        emergent: True if the admission was emergent (acuity, 3 points).
        charlson: Charlson comorbidity index (4 or more scores 5).
        ed_visits: emergency department visits in the 6 months before admission (4+ scores 4).
    """
    return _score_lace(get("lace"), {"los_days": los_days, "emergent": emergent, "charlson": charlson,
                                         "ed_visits": ed_visits})



def lace_score(patient: Patient) -> int:
    """The LACE index total from a patient's chart (via :func:`lace`)."""
    med = patient.medical
    result = lace(los_days=med.length_of_stay_days, emergent=med.admission_type == "emergent",
                  charlson=med.charlson_index, ed_visits=med.ed_visits_6mo)
    return int(result.total or 0)

# -- parsing ---------------------------------------------------------------------------------

def _check_context(defn: Instrument, context: dict[str, Any]) -> dict[str, Any]:
    for key in context:
        if key not in defn.context:
            keywords = ", ".join(defn.context) or "none"
            raise ContextError(defn.id, f"unexpected keyword {key!r}; keywords allowed: {keywords}")
    for key, allowed in defn.context.items():
        if key not in context or context[key] is None:
            raise ContextError(defn.id, f"needs {key}= one of {', '.join(allowed)}")
        if context[key] not in allowed:
            raise ContextError(defn.id, f"{key}={context[key]!r} is not allowed; "
                               f"allowed: {', '.join(allowed)}")
    return dict(context)


def _describe(defn: Instrument, index: int, item: Item) -> str:
    return f"item {index + 1} ({item.id}: {item.short})"


def _parse_points(defn: Instrument, responses: Any) -> Chosen:
    if responses is None or isinstance(responses, (str, bytes, Mapping)):
        raise InstrumentError(defn.id, f"expects a list of {len(defn.items)} item points, "
                              f"not {responses!r}")
    try:
        values = list(responses)
    except TypeError:
        raise InstrumentError(defn.id, f"expects a list of {len(defn.items)} item points, "
                              f"not {responses!r}") from None
    if len(values) != len(defn.items):
        ids = ", ".join(i.id for i in defn.items)
        raise ItemCountError(defn.id, f"expects {len(defn.items)} item points ({ids}) in item "
                             f"order, got {len(values)}")
    chosen: Chosen = {}
    for index, (item, value) in enumerate(zip(defn.items, values, strict=False)):
        allowed = sorted({o.points for o in item.options})
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise PointsError(defn.id, f"{_describe(defn, index, item)} must be whole points "
                              f"{allowed}, not {value!r}")
        option = next((o for o in item.options if o.points == int(value)), None)
        if option is None:
            raise PointsError(defn.id, f"{_describe(defn, index, item)} got {value!r} points; "
                              f"allowed: {', '.join(map(str, allowed))}")
        chosen[item.id] = [option]
    for index, item in enumerate(defn.items):
        for other, options in item.zero_if.items():
            said = chosen[other][0]
            if said.id in options and chosen[item.id][0].points != 0:
                raise PointsError(defn.id, f"{_describe(defn, index, item)} must be 0 when {other} is "
                                  f"{said.label!r} (the question is skipped); got "
                                  f"{chosen[item.id][0].points}")
    return chosen


def _as_mapping(defn: Instrument, responses: Any) -> dict[str, Any]:
    ids = [i.id for i in defn.items]
    if not isinstance(responses, Mapping):
        raise InstrumentError(defn.id, f"expects a mapping of question id ({', '.join(ids)}) to answer, "
                              f"not {responses!r}")
    for key in responses:
        if key not in ids:
            from sim.errors import did_you_mean
            raise UnknownQuestionError(key, f"{defn.id}: unknown question {key!r}"
                                       f"{did_you_mean(key, ids)}; questions: {', '.join(ids)}")
    return dict(responses)


def _parse_options(defn: Instrument, responses: Any) -> Chosen:
    answers = _as_mapping(defn, responses)
    chosen: Chosen = {}
    for index, item in enumerate(defn.items):
        value = answers.get(item.id)
        allowed = ", ".join(o.id for o in item.options)
        if value is None or value == [] or value == ():
            raise MissingAnswerError(defn.id, f"{_describe(defn, index, item)} is not answered; "
                                     f"choose one of: {allowed}")
        values = list(value) if isinstance(value, (list, tuple, set, frozenset)) else [value]
        if len(values) > 1 and not item.multiple:
            raise InstrumentError(defn.id, f"{_describe(defn, index, item)} takes one answer, "
                                  f"got {values!r}")
        options = []
        for v in values:
            option = item.option(str(v)) if isinstance(v, str) else None
            if option is None:
                raise UnknownOptionError(defn.id, f"{_describe(defn, index, item)} has no option "
                                         f"{v!r}; options: {allowed}")
            options.append(option)
        if len(options) > 1 and any(o.exclusive for o in options):
            raise InstrumentError(defn.id, f"{_describe(defn, index, item)}: "
                                  f"{[o.id for o in options if o.exclusive][0]!r} cannot be "
                                  "chosen together with other options")
        chosen[item.id] = options
    return chosen


_YES = {True: "yes", False: "no", "yes": "yes", "no": "no", "y": "yes", "n": "no"}


def _parse_yes_no(defn: Instrument, responses: Any) -> Chosen:
    answers = _as_mapping(defn, responses)
    chosen: Chosen = {}
    for index, item in enumerate(defn.items):
        raw = answers.get(item.id)
        asked = all(
            [o.id for o in chosen.get(other, [])] == [option] for other, option in item.asked_if.items()
        )
        if not asked:
            if raw is not None:
                condition = " and ".join(f"{k} is {v}" for k, v in item.asked_if.items())
                raise SkipLogicError(defn.id, f"{_describe(defn, index, item)} is asked only when "
                                     f"{condition}; leave it out (got {raw!r})")
            continue
        if raw is None:
            raise MissingAnswerError(defn.id, f"{_describe(defn, index, item)} must be answered "
                                     "yes or no")
        key = raw.lower() if isinstance(raw, str) else raw
        option_id = _YES.get(key) if isinstance(key, (bool, str)) else None
        option = item.option(option_id) if option_id else None
        if option is None:
            raise UnknownOptionError(defn.id, f"{_describe(defn, index, item)} got {raw!r}; "
                                     "allowed: yes, no (or True, False)")
        chosen[item.id] = [option]
    return chosen


def _check_recency(defn: Instrument, chosen: Chosen, recency: Any) -> str | None:
    allowed = [o.id for o in defn.recency_options]
    behaviour = next((i for i in defn.items if i.id == "q6"), defn.items[-1])
    said_yes = [o.id for o in chosen.get(behaviour.id, [])] == ["yes"]
    if said_yes:
        if recency not in allowed:
            raise ContextError(defn.id, f"{behaviour.id} is yes, so give recency= one of "
                               f"{', '.join(allowed)} (got {recency!r})")
        return str(recency)
    if recency is not None:
        raise ContextError(defn.id, f"recency={recency!r} given but {behaviour.id} is not yes; "
                           "give recency only for suicidal behaviour")
    return None


# -- evaluation ------------------------------------------------------------------------------

def _points(chosen: Chosen, item_id: str) -> int:
    return sum(o.points for o in chosen.get(item_id, []))


def holds(cond: Condition, chosen: Chosen, total: int | None, recency: str | None = None) -> bool:
    """True if every part of ``cond`` holds for these answers."""
    if cond.item is not None:
        options = chosen.get(cond.item)
        if not options:
            return False
        if cond.min_points is not None and _points(chosen, cond.item) < cond.min_points:
            return False
        if cond.options and not any(o.id in cond.options for o in options):
            return False
        if cond.not_options and all(o.id in cond.not_options for o in options):
            return False
    elif cond.items:
        if cond.min_points is not None and sum(_points(chosen, i) for i in cond.items) < cond.min_points:
            return False
        if cond.product_below is not None and (
                not all(chosen.get(i) for i in cond.items)
                or math.prod(_points(chosen, i) for i in cond.items) >= cond.product_below):
            return False
    if cond.min_total is not None and (total is None or total < cond.min_total):
        return False
    return not (cond.recency and recency not in cond.recency)


def _result(defn: Instrument, chosen: Chosen, context: dict[str, Any],
            recency: str | None = None) -> ScoreResult:
    summed = defn.kind == "summed"
    total = sum(_points(chosen, i.id) for i in defn.items) if summed else None
    flags: list[str] = []
    steps: list[str] = []
    for flag in defn.flags:
        if holds(flag.when, chosen, total, recency):
            flags.append(flag.label)
            steps.append(flag.next_step)
    band = defn.band_for(total) if total is not None else None
    positive: bool | None = None
    domains: dict[str, bool] | None = None
    subtotals: dict[str, int] = {}
    if defn.kind == "cssrs":
        level = next((r for r in defn.risk_levels
                      if any(holds(c, chosen, None, recency) for c in r.any_of)), None)
        band = level.level if level else defn.default_risk
        positive = level is not None
        if level:
            flags.insert(0, f"{level.level} suicide risk")
            steps.insert(0, level.next_step)
    if defn.kind == "ahc_hrsn":
        domains = {}
        for rule in defn.domains:
            domains[rule.id] = any(holds(c, chosen, total) for c in rule.any_of)
            if rule.subtotal_items:
                subtotals[rule.id] = sum(_points(chosen, i) for i in rule.subtotal_items)
            if domains[rule.id]:
                flags.append(f"{rule.label} need")
                steps.append(rule.next_step)
        positive = any(domains.values())
    if defn.positive is not None and total is not None:
        positive = total >= defn.positive.threshold(context)
        if positive and defn.positive.next_step:
            steps.append(defn.positive.next_step)
    chosen_band = next((b for b in defn.bands if b.label == band), None)
    if chosen_band and chosen_band.next_step:
        steps.append(chosen_band.next_step)
    answers: dict[str, Any] = {
        k: (v[0].id if len(v) == 1 and not defn.item_named(k).multiple else [o.id for o in v])
        for k, v in chosen.items()
    }
    if recency:
        answers["recency"] = recency
    return ScoreResult(
        instrument=defn.id, name=defn.short_name, total=total,
        max_total=defn.max_total if summed else None, band=band, positive=positive, flags=flags,
        next_steps=list(dict.fromkeys(steps)), domains=domains, subtotals=subtotals,
        answers=answers,
    )


def _score_lace(defn: Instrument, values: dict[str, Any]) -> ScoreResult:
    known = [c.id for c in defn.components]
    for key in values:
        if key not in known:
            raise ContextError(defn.id, f"unexpected keyword {key!r}; give {', '.join(known)}")
    points: dict[str, int] = {}
    answers: dict[str, Any] = {}
    for comp in defn.components:
        if comp.id not in values or values[comp.id] is None:
            raise MissingAnswerError(defn.id, f"{comp.label} ({comp.id}=) is not answered yet")
        value = values[comp.id]
        if comp.type == "bool":
            if value not in (True, False, 0, 1) or isinstance(value, float) and not value.is_integer():
                raise PointsError(defn.id, f"{comp.id} ({comp.label}) must be True or False, "
                                  f"not {value!r}")
            value = bool(value)
            number = float(value)
        else:
            if isinstance(value, bool) or not isinstance(value, numbers.Real) or value < 0:
                raise PointsError(defn.id, f"{comp.id} ({comp.label}) must be a number 0 or more, "
                                  f"not {value!r}")
            number = float(value)
        points[comp.letter] = comp.points(number)
        answers[comp.id] = value
    total = sum(points.values())
    band = defn.band_for(total)
    chosen_band = next((b for b in defn.bands if b.label == band), None)
    steps = [chosen_band.next_step] if chosen_band and chosen_band.next_step else []
    return ScoreResult(instrument=defn.id, name=defn.short_name, total=total,
                       max_total=defn.max_total, band=band, positive=None, next_steps=steps,
                       components=points, answers=answers)
