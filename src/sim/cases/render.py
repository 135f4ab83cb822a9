"""Render a case for the student (materials only) and for the instructor (the key).

The student's view is built from an explicit allow-list of fields: referral, chart, collateral,
opening statement and demographics. It never reads the key, the hidden facts, the psychosocial
profile, the latent state or the screening responses, so none of them can leak into it.
"""
from __future__ import annotations

import html
from typing import Literal

from sim.errors import SimValueError
from sim.model.case import Case
from sim.model.clinical import indicator_labels
from sim.model.labels import person_label
from sim.model.taxonomy import taxonomy

Format = Literal["md", "html"]
FORMATS = ("md", "html")


class FormatError(SimValueError):
    """An output format that is not md or html."""


def _check(fmt: str) -> None:
    if fmt not in FORMATS:
        raise FormatError(f"unknown format {fmt!r}; allowed: {', '.join(FORMATS)}")


# A document is a list of blocks: ("h1"|"h2", text), ("p", text), ("ul", [items]),
# ("dl", [(term, text)]). Rendered to Markdown or HTML at the end; text is escaped for HTML.
TextBlock = tuple[Literal["h1", "h2", "p"], str]
ListBlock = tuple[Literal["ul"], list[str]]
TermsBlock = tuple[Literal["dl"], list[tuple[str, str]]]
Block = TextBlock | ListBlock | TermsBlock


def _to_md(blocks: list[Block]) -> str:
    out: list[str] = []
    for block in blocks:
        if block[0] == "ul":
            out.append("\n".join(f"- {item}" for item in block[1]))
        elif block[0] == "dl":
            out.append("\n".join(f"- **{term}:** {text}" for term, text in block[1]))
        else:
            out.append({"h1": "# ", "h2": "## ", "p": ""}[block[0]] + block[1])
    return "\n\n".join(out) + "\n"


def _to_html(blocks: list[Block], css_class: str) -> str:
    e = html.escape
    out: list[str] = [f'<div class="sim-case {css_class}">']
    for block in blocks:
        if block[0] == "ul":
            out.append("<ul>" + "".join(f"<li>{e(str(i))}</li>" for i in block[1]) + "</ul>")
        elif block[0] == "dl":
            terms = block[1]
            out.append("<dl>" + "".join(f"<dt>{e(str(t))}</dt><dd>{e(str(x))}</dd>" for t, x in terms) + "</dl>")
        else:
            kind, text = block
            out.append(f"<{kind}>{e(str(text))}</{kind}>")
    out.append("</div>")
    return "\n".join(out) + "\n"


def _render(blocks: list[Block], fmt: str, css_class: str) -> str:
    _check(fmt)
    return _to_md(blocks) if fmt == "md" else _to_html(blocks, css_class)


def student_blocks(case: Case) -> list[Block]:
    """The blocks of the student's view (allow-listed fields only)."""
    p = case.patient
    ident, med, econ = p.identity, p.medical, p.economics
    tx = taxonomy()
    language = ident.language + (" (interpreter needed)" if ident.interpreter_needed else "")
    household = [f"{m.name}, {m.relation}, {m.age}" for m in p.family if m.lives_with_patient and m.living]
    blocks: list[Block] = [
        ("h1", case.title),
        ("p", "Synthetic case for teaching: every person in it is invented."),
        ("h2", "Patient"),
        ("dl", [
            ("Name", ident.name), ("Age", str(ident.age)), ("Sex", ident.sex),
            ("Gender identity", ident.gender_identity), ("Pronouns", ident.pronouns),
            ("Language", language), ("Race", ident.race), ("Ethnicity", ident.ethnicity),
            ("Veteran", "yes" if ident.veteran else "no"),
            ("Lives in", f"{p.address.city}, {p.address.state}"),
            ("Insurance", econ.insurance + "".join(f"; {x.shown()}" for x in econ.supplemental)),
            ("Employment", econ.employment),
            ("Education", econ.education),
            ("Household", "; ".join(household) if household else "lives alone"),
        ]),
        ("h2", "Referral"),
        ("dl", [("Reason", case.referral.reason), ("Referred by", case.referral.source),
                ("Urgency", case.referral.urgency.replace("_", " "))]),
        ("h2", "Chart excerpt"),
        ("dl", [
            ("Setting", tx.settings.get(med.setting, med.setting)),
            ("Admission", med.admission_type),
            ("Primary diagnosis", f"{med.primary_diagnosis.label} ({med.primary_diagnosis.code})"),
            ("Comorbidities", "; ".join(f"{d.label} ({d.code})" for d in med.comorbidities) or "none"),
            ("Length of stay so far", f"{med.length_of_stay_days} days"),
            ("ED visits in the past 6 months", str(med.ed_visits_6mo)),
            ("Prognosis", med.prognosis.replace("_", " ")),
            *([("Cognition", med.cognition.shown())] if med.cognition is not None else []),
        ]),
        ("p", f"Physician note: {case.chart.physician_note}"),
    ]
    if case.chart.nursing_note:
        blocks.append(("p", f"Nursing note: {case.chart.nursing_note}"))
    if case.chart.medications:
        blocks += [("h2", "Medications"), ("ul", list(case.chart.medications))]
    if case.chart.vitals is not None:
        v = case.chart.vitals
        shown = [(k, str(x)) for k, x in (("BP", v.bp), ("HR", v.hr), ("Temp (C)", v.temp_c), ("SpO2", v.spo2))
                 if x is not None]
        if shown:
            blocks += [("h2", "Vitals"), ("dl", shown)]
    if case.collateral:
        blocks += [("h2", "Collateral contacts"),
                   ("ul", [f"{person_label(c.name, c.relation)}: \u201c{c.says}\u201d" for c in case.collateral])]
    blocks += [("h2", "When you meet the patient"), ("p", f"\u201c{case.opening_statement}\u201d")]
    return blocks


def render_student(case: Case, fmt: Format | str = "md") -> str:
    """The student's view of ``case`` as Markdown (``"md"``) or an HTML fragment (``"html"``).

    Shows referral, chart excerpt, collateral contacts, the opening statement and demographics;
    never the key, hidden facts, needs, risks, latent state or screening responses.
    """
    return _render(student_blocks(case), fmt, "sim-student")


def key_blocks(case: Case) -> list[Block]:
    """The blocks of the instructor's view."""
    k, tx = case.key, taxonomy()
    p = case.patient

    def ivs(items: list) -> list[str]:
        return [f"{tx.interventions[i.intervention]} ({i.intervention}): {i.rationale}" for i in items]

    blocks: list[Block] = [
        ("h1", f"Key: {case.title}"),
        ("p", f"Case {case.id}, patient {p.identity.name} ({p.id}, seed {p.seed}). Synthetic. "
              "Instructor's view: do not share with students."),
        ("h2", "Needs"),
        ("ul", [f"{tx.domains[n.domain].label} ({n.domain}), severity {n.severity} "
                f"({tx.severity_scale[n.severity]}): {n.evidence}" for n in k.needs]),
    ]
    if k.risks:
        seen = {r.kind: r.indicators for r in p.profile.risks if r.indicators}
        blocks += [("h2", "Risks"), ("ul", [f"{tx.risks[r.kind]}: {r.level}. {r.evidence}"
                                            + (f" Indicators: {indicator_labels(r.kind, seen[r.kind])}."
                                               if r.kind in seen else "") for r in k.risks])]
    if k.strengths:
        blocks += [("h2", "Strengths"), ("ul", list(k.strengths))]
    if k.critical_actions:
        blocks += [("h2", "Critical actions (missing one caps the score)"),
                   ("ul", [f"{a.kind}: {a.description}"
                           + (f" (within {a.within_minutes} min)" if a.within_minutes else "")
                           for a in k.critical_actions])]
    blocks += [("h2", "Recommended interventions"), ("ul", ivs(k.recommended))]
    if k.acceptable:
        blocks += [("h2", "Acceptable"), ("ul", ivs(k.acceptable))]
    if k.contraindicated:
        blocks += [("h2", "Contraindicated"), ("ul", ivs(k.contraindicated))]
    if k.functions:
        blocks += [("h2", "Functions"), ("ul", [tx.functions[f] for f in k.functions])]
    blocks += [("h2", "CSWE competencies"), ("p", ", ".join(str(c) for c in k.competencies))]
    if k.discharge_disposition:
        blocks += [("h2", "Discharge disposition"), ("p", k.discharge_disposition)]
    if case.hidden_facts:
        blocks += [("h2", "Hidden facts"),
                   ("ul", [f"{h.id} (ask about {h.domain}, rapport {h.min_rapport}"
                           + (f", crisis: {h.crisis}" if h.crisis else "") + f"): {h.statement}"
                           for h in case.hidden_facts])]
    if case.barriers:
        blocks += [("h2", "Systemic barriers"), ("ul", list(case.barriers))]
    lat = p.latent
    blocks += [("h2", "Latent state"),
               ("p", ", ".join(f"{name} {getattr(lat, name)}" for name in type(lat).model_fields))]
    return blocks


def render_key(case: Case, fmt: Format | str = "md") -> str:
    """The instructor's view of ``case``: the key, hidden facts, barriers and latent state."""
    return _render(key_blocks(case), fmt, "sim-key")
