"""Instrument definitions: pydantic models of the data files in ``sim/data/instruments/``.

One YAML file per instrument holds everything the code needs: items with their wording, options
with points, bands, the positive rule, flags with the required next step, domain rules (AHC HRSN),
risk levels (C-SSRS screener), component tables (LACE), LOINC codes, source, and the parameters of
response synthesis. An instructor who edits a cut-off in the file changes what the code does.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field, ValidationError, model_validator

from sim.errors import DataTableError, UnknownQuestionError
from sim.instruments.errors import UnknownInstrumentError
from sim.model.base import Model
from sim.tables import list_tables, load_table

Kind = Literal["summed", "ahc_hrsn", "cssrs", "lace"]


class Option(Model):
    """One answer a respondent can choose, with its points."""

    id: str
    label: str
    points: int = 0
    exclusive: bool = Field(False, description="cannot be chosen with other options (None of the above)")


class Item(Model):
    """One question (or rated domain) with its options, in the order the instrument asks it."""

    id: str
    text: str
    short: str = Field(description="a few words naming the item, for tables and form labels")
    options: list[Option] = Field(min_length=1)
    multiple: bool = Field(False, description="several options may be chosen (AHC HRSN Q2)")
    asked_if: dict[str, str] = Field(default_factory=dict, description="skip logic: {item: option}")
    zero_if: dict[str, list[str]] = Field(
        default_factory=dict, description="skip logic of a summed form: this item scores 0 when "
                                          "{item: [options]} holds (AUDIT-C Q2-Q3 after Q1 'Never')")
    loinc: str | None = None

    @property
    def min_points(self) -> int:
        return min(o.points for o in self.options)

    @property
    def max_points(self) -> int:
        return max(o.points for o in self.options)

    def option(self, option_id: str) -> Option | None:
        """The option with this id, or None."""
        return next((o for o in self.options if o.id == option_id), None)


class Band(Model):
    """A severity band: ``min`` <= total <= ``max``."""

    label: str
    min: int
    max: int
    next_step: str | None = None


class PositiveRule(Model):
    """Positive when total >= ``min_total`` (or the threshold for the context value, e.g. sex)."""

    description: str
    min_total: int | None = None
    context: str | None = Field(None, description="keyword whose value picks the threshold")
    min_total_by_context: dict[str, int] = Field(default_factory=dict)
    next_step: str | None = None
    source: str = ""

    @model_validator(mode="after")
    def _one_threshold(self) -> PositiveRule:
        if self.min_total is None and not (self.context and self.min_total_by_context):
            raise ValueError("give min_total, or context with min_total_by_context")
        return self

    def threshold(self, context: dict[str, object]) -> int:
        """The total at and above which the screen is positive, for this context."""
        if self.context and self.min_total_by_context:
            return self.min_total_by_context[str(context[self.context])]
        assert self.min_total is not None
        return self.min_total


class Condition(Model):
    """A test on the answers. Every field given must hold (logical AND).

    ``item`` with ``min_points`` (points of that item >=), ``options`` (chosen option among) or
    ``not_options`` (answered with something other than these); ``items`` with ``min_points``
    (the sum of those items >=) or ``product_below`` (every one of those items answered and the
    product of their points below this: days a week times minutes a day under 150 minutes a
    week); ``min_total`` (instrument total >=); ``recency`` (C-SSRS behaviour recency among).
    """

    item: str | None = None
    items: list[str] = Field(default_factory=list)
    min_points: int | None = None
    product_below: int | None = Field(None, ge=1)
    options: list[str] = Field(default_factory=list)
    not_options: list[str] = Field(default_factory=list)
    min_total: int | None = None
    recency: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _product_of_items(self) -> Condition:
        if self.product_below is not None and (len(self.items) < 2 or self.item is not None):
            raise ValueError(f"product_below multiplies the points of two or more items: give it with "
                             f"items: [a, b] (got item={self.item!r}, items={self.items})")
        if self.product_below is not None and self.min_points is not None:
            raise ValueError("give items with either min_points (a sum) or product_below (a product), not both")
        return self


class Flag(Model):
    """A finding that calls for an action whatever the band (e.g. PHQ-9 item 9)."""

    id: str
    label: str = Field(description="the short flag string shown in results")
    when: Condition
    next_step: str
    source: str = ""


class DomainRule(Model):
    """A need domain of a multi-domain screener (AHC HRSN): positive if any condition holds."""

    id: str
    label: str
    need: str | None = Field(None, description="need domain id in needs.yaml this screens for")
    any_of: list[Condition] = Field(min_length=1)
    subtotal_items: list[str] = Field(default_factory=list)
    next_step: str
    source: str = ""


class RiskLevel(Model):
    """A risk level (C-SSRS screener); the first level whose conditions hold is the result."""

    level: str
    any_of: list[Condition] = Field(min_length=1)
    next_step: str
    source: str = ""


class TableRow(Model):
    """Component points for values from ``at_least`` up to the next row."""

    at_least: float
    points: int


class Component(Model):
    """One LACE component: a chart value mapped to points by a table."""

    id: str = Field(description="the keyword of lace()/score('lace', ...)")
    letter: str
    label: str
    type: Literal["number", "bool"] = "number"
    table: list[TableRow] = Field(min_length=1)

    @model_validator(mode="after")
    def _sorted(self) -> Component:
        bounds = [row.at_least for row in self.table]
        if bounds != sorted(bounds) or len(set(bounds)) != len(bounds) or bounds[0] != 0:
            raise ValueError(f"component {self.id}: table rows must start at 0 and increase")
        return self

    def points(self, value: float) -> int:
        """Points for a chart value (the row with the largest ``at_least`` <= value)."""
        return [row.points for row in self.table if row.at_least <= value][-1]

    @property
    def max_points(self) -> int:
        return max(row.points for row in self.table)


class Driven(Model):
    """An item whose synthesized points follow another latent (PHQ-9 item 9 follows suicide)."""

    item: str
    latent: str
    points_by_level: list[int]
    lower_by_one: float = Field(0.0, ge=0.0, le=1.0, description="chance of one point less (never below 1)")


class Synthesis(Model):
    """Parameters of response synthesis from the latent state (teaching assumptions unless cited)."""

    method: Literal["band", "derived", "dependencies", "ahc_hrsn", "cssrs"]
    note: str = ""
    latent: str | None = None
    totals_by_level: list[tuple[int, int]] = Field(default_factory=list)
    context: str | None = None
    totals_by_context: dict[str, list[tuple[int, int]]] = Field(default_factory=dict)
    context_default: str | None = None
    spill: float = Field(0.0, ge=0.0, le=0.5, description="chance the total lands in an adjacent band")
    nondisclosure: float = Field(0.0, ge=0.0, le=1.0, description="chance a present problem is not disclosed")
    item_weights: list[float] = Field(default_factory=list)
    driven: list[Driven] = Field(default_factory=list)
    nonzero_if_any: list[str] = Field(default_factory=list, description="items >= 1 whenever total > 0")
    from_instrument: str | None = None
    hierarchy_spread: float = Field(0.0, ge=0.0, description="dependency order: 0 strict, larger more random")
    params: dict[str, float] = Field(default_factory=dict)


class Loinc(Model):
    panel: str | None = None
    total: str | None = None


class Instrument(Model):
    """A screening instrument as its data file defines it."""

    id: str
    name: str
    short_name: str
    kind: Kind
    respondent: Literal["patient", "caregiver", "clinician", "chart"]
    purpose: str
    instructions: str
    items: list[Item] = Field(default_factory=list)
    bands: list[Band] = Field(default_factory=list)
    positive: PositiveRule | None = None
    flags: list[Flag] = Field(default_factory=list)
    domains: list[DomainRule] = Field(default_factory=list)
    risk_levels: list[RiskLevel] = Field(default_factory=list)
    default_risk: str = "none"
    recency_options: list[Option] = Field(default_factory=list)
    components: list[Component] = Field(default_factory=list)
    context: dict[str, list[str]] = Field(default_factory=dict, description="keywords score() requires")
    loinc: Loinc | None = None
    source: str
    notes: list[str] = Field(default_factory=list)
    synthesis: Synthesis | None = None
    synthetic_note: str = "Scores computed here are for synthetic teaching patients only."

    @property
    def min_total(self) -> int:
        if self.kind == "lace":
            return 0
        return sum(item.min_points for item in self.items)

    @property
    def max_total(self) -> int:
        if self.kind == "lace":
            return sum(c.max_points for c in self.components)
        return sum(item.max_points for item in self.items)

    def item(self, item_id: str) -> Item | None:
        """The item with this id, or None."""
        return next((i for i in self.items if i.id == item_id), None)

    def item_named(self, item_id: str) -> Item:
        """The item with this id; :class:`UnknownQuestionError` naming the ids there are if none."""
        found = self.item(item_id)
        if found is None:
            ids = ", ".join(i.id for i in self.items)
            raise UnknownQuestionError(item_id, f"{self.id}: has no question {item_id!r}; questions: {ids}")
        return found

    def band_for(self, total: int) -> str | None:
        """The band label for a total (None if the instrument has no bands)."""
        return next((b.label for b in self.bands if b.min <= total <= b.max), None)

    @model_validator(mode="after")
    def _consistent(self) -> Instrument:
        ids = [i.id for i in self.items]
        if len(set(ids)) != len(ids):
            raise ValueError("item ids must be unique")
        for item in self.items:
            option_ids = [o.id for o in item.options]
            if len(set(option_ids)) != len(option_ids):
                raise ValueError(f"item {item.id}: option ids must be unique")
            for other in item.asked_if:
                if other not in ids:
                    raise ValueError(f"item {item.id}: asked_if names unknown item {other!r}")
            for other, options in item.zero_if.items():
                known = self.item(other)
                if known is None:
                    raise ValueError(f"item {item.id}: zero_if names unknown item {other!r}")
                bad = [o for o in options if known.option(o) is None]
                if bad:
                    raise ValueError(f"item {item.id}: zero_if names unknown option(s) {bad} of {other!r}")
        if self.kind == "lace" and not self.components:
            raise ValueError("a LACE-kind instrument needs components")
        if self.kind != "lace" and not self.items:
            raise ValueError("an instrument needs items")
        if self.bands:
            ordered = sorted(self.bands, key=lambda b: b.min)
            if ordered != self.bands:
                raise ValueError("bands must be listed from the lowest total up")
            if ordered[0].min != self.min_total or ordered[-1].max != self.max_total:
                raise ValueError(f"bands must cover totals {self.min_total}-{self.max_total}, "
                                 f"not {ordered[0].min}-{ordered[-1].max}")
            for low, high in zip(ordered, ordered[1:], strict=False):
                if high.min != low.max + 1:
                    raise ValueError(f"bands {low.label!r} and {high.label!r} leave a gap or overlap")
        if self.positive and self.positive.context:
            allowed = set(self.context.get(self.positive.context, []))
            if set(self.positive.min_total_by_context) != allowed:
                raise ValueError(f"positive.min_total_by_context must give a threshold for each of "
                                 f"{sorted(allowed)}")
        conditions = [f.when for f in self.flags]
        conditions += [c for d in self.domains for c in d.any_of]
        conditions += [c for r in self.risk_levels for c in r.any_of]
        for cond in conditions:
            for name in [cond.item, *cond.items]:
                if name is not None and name not in ids:
                    raise ValueError(f"a condition names unknown item {name!r}; items: {ids}")
        return self


@lru_cache(maxsize=1)
def _shipped_ids() -> tuple[str, ...]:
    return tuple(list_tables("instruments"))


def instrument_ids() -> list[str]:
    """Ids of the instruments shipped in ``sim/data/instruments/``, sorted."""
    return list(_shipped_ids())


def get(instrument_id: str) -> Instrument:
    """The validated definition of an instrument (cached).

    Raises:
        UnknownInstrumentError: no data file defines ``instrument_id`` (the message suggests one).
    """
    ids = instrument_ids()
    if instrument_id not in ids:
        raise UnknownInstrumentError(instrument_id, ids)
    return load_table(f"instruments/{instrument_id}.yaml", Instrument)


def list_instruments() -> list[Instrument]:
    """Every shipped instrument definition, in id order."""
    return [get(i) for i in instrument_ids()]


def load_file(path: str | Path) -> Instrument:
    """Validate an instrument definition from a file outside the package (an instructor's copy).

    The result can be passed to :func:`sim.instruments.score` in place of an id.
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Instrument.model_validate(data)
    except FileNotFoundError as exc:
        raise DataTableError(f"{path}: no such instrument file") from exc
    except yaml.YAMLError as exc:
        raise DataTableError(f"{path}: not valid YAML: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise DataTableError(f"{path} is invalid: {problems}") from exc
