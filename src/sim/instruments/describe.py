"""Plain-text descriptions of instruments: what each asks and how it is scored (CLI, lessons)."""
from __future__ import annotations

import textwrap

from sim.instruments.definition import Component, Condition, Instrument


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(" ".join(text.split()), width=96, initial_indent=indent,
                         subsequent_indent=indent + "  ")


def scoring_summary(defn: Instrument) -> str:
    """One line: how the instrument is scored."""
    if defn.kind == "lace":
        return f"chart components {'+'.join(c.letter for c in defn.components)}, total 0-{defn.max_total}"
    if defn.kind == "ahc_hrsn":
        return f"{len(defn.domains)} domains, each positive or not"
    if defn.kind == "cssrs":
        return "risk level " + " / ".join([r.level for r in defn.risk_levels] + [defn.default_risk])
    text = f"total {defn.min_total}-{defn.max_total}"
    if defn.bands:
        text += "; bands " + ", ".join(b.label for b in defn.bands)
    if defn.positive:
        text += "; positive: " + defn.positive.description
    return text


def describe(defn: Instrument) -> str:
    """Everything a student or instructor needs: items, options, bands, rules, flags, source."""
    lines = [f"{defn.short_name} ({defn.id}): {defn.name}", _wrap(defn.purpose, ""),
             f"Respondent: {defn.respondent}.", _wrap(defn.instructions, "")]
    if defn.items:
        lines.append("\nItems:")
        for n, item in enumerate(defn.items, 1):
            extra = " (choose all that apply)" if item.multiple else ""
            if item.asked_if:
                extra += " (asked only if " + ", ".join(f"{k} is {v}" for k, v in item.asked_if.items()) + ")"
            if item.zero_if:
                extra += " (skipped, scoring 0, if " + ", ".join(
                    f"{k} is {' or '.join(v)}" for k, v in item.zero_if.items()) + ")"
            lines.append(_wrap(f"{n}. [{item.id}] {item.text}{extra}"))
            lines.append(_wrap("; ".join(f"{o.label} = {o.points}" if defn.kind == "summed"
                                         else f"{o.id}: {o.label}" for o in item.options), "      "))
    if defn.recency_options:
        lines.append("  Recency of behaviour (q6 yes): " + ", ".join(o.id for o in defn.recency_options))
    if defn.components:
        lines.append("\nComponents (from the chart):")
        for comp in defn.components:
            rows = defn_rows(comp)
            lines.append(_wrap(f"{comp.letter} {comp.label} [{comp.id}=]: {rows}"))
    lines.append("\nScoring: " + scoring_summary(defn))
    if defn.bands:
        lines.append("Bands:")
        for band in defn.bands:
            step = f" -> {band.next_step}" if band.next_step else ""
            lines.append(_wrap(f"{band.min}-{band.max} {band.label}{step}"))
    if defn.positive:
        rule = defn.positive
        if rule.context:
            cuts = ", ".join(f"{k} {v} or more" for k, v in rule.min_total_by_context.items())
            lines.append(f"Positive rule: by {rule.context}: {cuts}.")
        else:
            lines.append(f"Positive rule: {rule.description}")
        if rule.next_step:
            lines.append(_wrap(f"If positive: {rule.next_step}"))
    for domain in defn.domains:
        rules = " OR ".join(_condition(c) for c in domain.any_of)
        lines.append(_wrap(f"Domain {domain.id}: positive if {rules} -> {domain.next_step}"))
    for risk in defn.risk_levels:
        rules = " OR ".join(_condition(c) for c in risk.any_of)
        lines.append(_wrap(f"Risk {risk.level}: {rules} -> {risk.next_step}"))
    if defn.risk_levels:
        lines.append(f"  Otherwise: {defn.default_risk}.")
    for flag in defn.flags:
        lines.append(_wrap(f"Flag '{flag.label}' when {_condition(flag.when)} -> {flag.next_step}"))
    if defn.context:
        lines.append("Needs: " + ", ".join(f"{k}= one of {'/'.join(v)}" for k, v in defn.context.items()))
    if defn.loinc:
        codes = [f"{k} {v}" for k, v in defn.loinc.model_dump().items() if v]
        lines.append("LOINC: " + ", ".join(codes))
    for note in defn.notes:
        lines.append(_wrap(f"Note: {note}", ""))
    lines.append(_wrap(f"Source: {defn.source}", ""))
    return "\n".join(lines)


def defn_rows(comp: Component) -> str:
    """A LACE component table as text, e.g. '0 -> 0, 1 -> 1, ..., 14+ -> 7'."""
    if comp.type == "bool":
        return ", ".join(f"{'yes' if r.at_least else 'no'} -> {r.points}" for r in comp.table)
    parts = []
    for row, nxt in zip(comp.table, [*comp.table[1:], None], strict=False):
        low = f"{row.at_least:g}"
        if nxt is None:
            parts.append(f"{low}+ -> {row.points}")
        elif nxt.at_least - row.at_least == 1:
            parts.append(f"{low} -> {row.points}")
        else:
            parts.append(f"{low}-{nxt.at_least - 1:g} -> {row.points}")
    return ", ".join(parts)


def _condition(cond: Condition) -> str:
    parts = []
    if cond.item:
        if cond.options:
            parts.append(f"{cond.item} is {' or '.join(cond.options)}")
        if cond.not_options:
            parts.append(f"{cond.item} is anything but {' or '.join(cond.not_options)}")
        if cond.min_points is not None:
            parts.append(f"{cond.item} >= {cond.min_points}")
    elif cond.items:
        if cond.min_points is not None:
            parts.append(f"{'+'.join(cond.items)} >= {cond.min_points}")
        if cond.product_below is not None:
            parts.append(f"{' x '.join(cond.items)} < {cond.product_below}")
    if cond.min_total is not None:
        parts.append(f"total >= {cond.min_total}")
    if cond.recency:
        parts.append(f"recency {' or '.join(cond.recency)}")
    return " and ".join(parts) or "always"
