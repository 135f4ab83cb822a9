"""Score a student's assessment against the case key: needs (weighted by severity), false
alarms, risks, strengths and the formulation. Every point lost comes with the case's evidence.
"""
from __future__ import annotations

import re

from sim.feedback.evidence import cite_absence, cite_need, cite_risk, need_label, risk_label
from sim.feedback.model import FeedbackItem
from sim.feedback.rubric import mentions, rubric
from sim.model.case import Case
from sim.practice.plan import Assessment

_LEVELS = {"low": 1, "moderate": 2, "high": 3}
_SEVERITY = {1: "mild", 2: "moderate", 3: "severe"}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def score_needs(case: Case, assessment: Assessment) -> list[FeedbackItem]:
    """One item per key need (found, severity off, missed) and per false alarm."""
    weights = rubric().assessment
    named: dict[str, int] = {}
    items: list[FeedbackItem] = []
    for need in assessment.needs:
        if need.domain in named:
            items.append(FeedbackItem(category="needs", kind="warning",
                                      message=f"{need_label(need.domain)} is listed twice; only the first counts."))
            continue
        named[need.domain] = need.severity
    key_domains = {n.domain for n in case.key.needs}
    for key_need in case.key.needs:
        possible = weights.need_found[key_need.severity]
        label = need_label(key_need.domain)
        if key_need.domain not in named:
            why = cite_need(case, key_need.domain, key_need.evidence)
            items.append(FeedbackItem(category="needs", kind="missed", earned=0, possible=possible,
                                      message=f"{label} was missed: {why}."))
            continue
        off = abs(named[key_need.domain] - key_need.severity)
        share = weights.severity_off_by.get(off, 0.0)
        if off == 0:
            items.append(FeedbackItem(category="needs", kind="praise", earned=possible, possible=possible,
                                      message=f"{label} identified at the right severity "
                                              f"({_SEVERITY[key_need.severity]})."))
        else:
            items.append(FeedbackItem(
                category="needs", kind="missed", earned=round(possible * share, 2), possible=possible,
                message=f"{label} identified, but rated {_SEVERITY[named[key_need.domain]]}; the evidence "
                        f"points to {_SEVERITY[key_need.severity]}: {key_need.evidence.rstrip('.')}."))
    lost = 0.0
    for domain in named:
        if domain in key_domains:
            continue
        label = need_label(domain)
        profile_need = case.patient.profile.need(domain)
        if profile_need is not None and profile_need.severity > 0:
            items.append(FeedbackItem(
                category="needs", kind="warning",
                message=f"{label} is not among the needs this case asks you to address; it may be real "
                        f"({profile_need.evidence.rstrip('.')}), but keep the assessment on the priorities."))
            continue
        penalty = min(weights.false_alarm, max(0.0, weights.false_alarm_max - lost))
        lost += penalty
        against = cite_absence(case, domain)
        items.append(FeedbackItem(
            category="needs", kind="missed", earned=-penalty, possible=0,
            message=f"{label} was named, but nothing in the case supports it"
                    f"{': ' + against if against else ''}. Name a need only with evidence (a false alarm)."))
    return items


def score_risks(case: Case, assessment: Assessment) -> list[FeedbackItem]:
    """One item per key risk (identified, level off, missed) and per risk named without basis."""
    weights = rubric().assessment
    named: dict[str, str] = {}
    for risk in assessment.risks:
        named.setdefault(risk.kind, risk.level)
    items: list[FeedbackItem] = []
    key_kinds = {r.kind for r in case.key.risks}
    for key_risk in case.key.risks:
        possible = weights.risk_found[key_risk.level]
        label = risk_label(key_risk.kind)
        if key_risk.kind not in named:
            why = cite_risk(case, key_risk.kind, key_risk.evidence)
            items.append(FeedbackItem(category="risks", kind="missed", possible=possible,
                                      message=f"Risk missed: {label.lower()} ({key_risk.level}): {why}."))
            continue
        off = abs(_LEVELS[named[key_risk.kind]] - _LEVELS[key_risk.level])
        share = weights.risk_level_off_by.get(off, 0.0)
        if off == 0:
            items.append(FeedbackItem(category="risks", kind="praise", earned=possible, possible=possible,
                                      message=f"Risk identified: {label.lower()} ({key_risk.level})."))
        else:
            items.append(FeedbackItem(
                category="risks", kind="missed", earned=round(possible * share, 2), possible=possible,
                message=f"{label} risk rated {named[key_risk.kind]}; the evidence points to "
                        f"{key_risk.level}: {key_risk.evidence.rstrip('.')}."))
    for kind in named:
        if kind in key_kinds:
            continue
        profile_risk = case.patient.profile.risk(kind)
        if profile_risk is not None and profile_risk.level != "none":
            items.append(FeedbackItem(category="risks", kind="warning",
                                      message=f"{risk_label(kind)} is not a risk this case's key lists; "
                                              f"watch it, but it is not the priority here."))
            continue
        items.append(FeedbackItem(category="risks", kind="missed", earned=-weights.risk_false_alarm,
                                  message=f"{risk_label(kind)} was named as a risk without evidence in the case."))
    return items


_WORD = re.compile(r"[a-z]{4,}")


_STOP = frozenset({"with", "that", "this", "from", "have", "they", "their", "them", "about", "very",
                   "will", "when", "what", "were", "been", "being", "into", "also", "some", "more"})


def _words(text: str) -> set[str]:
    return {w[:6] for w in _WORD.findall(text.lower()) if w not in _STOP}


def score_strengths(case: Case, assessment: Assessment) -> list[FeedbackItem]:
    """Credit for naming at least one of the key's strengths (strengths-based practice)."""
    weight = rubric().assessment.strengths
    if not case.key.strengths or weight == 0:
        return []
    matched = [s for s in assessment.strengths
               if any(_words(s) & _words(k) for k in case.key.strengths)]
    if matched:
        return [FeedbackItem(category="strengths", kind="praise", earned=weight, possible=weight,
                             message=f"Strengths noted: {'; '.join(matched)}.")]
    example = case.key.strengths[0]
    if assessment.strengths:
        return [FeedbackItem(category="strengths", kind="missed", earned=weight / 2, possible=weight,
                             message=f"The strengths listed are not the ones the case shows; for example: {example}.")]
    return [FeedbackItem(category="strengths", kind="missed", possible=weight,
                         message=f"No strengths listed; a strengths-based assessment names them, e.g. {example}.")]


def score_formulation(case: Case, assessment: Assessment) -> list[FeedbackItem]:
    """Credit for a formulation long enough to tie the key's needs together."""
    weights = rubric().assessment
    if weights.formulation == 0:
        return []
    text = assessment.formulation.strip()
    words = len(text.split())
    tied = [n.domain for n in case.key.needs if mentions(text, n.domain)]
    if not text:
        return [FeedbackItem(category="formulation", kind="missed", possible=weights.formulation,
                             message="No formulation: say in a few sentences how the needs connect and why now.")]
    if words >= weights.formulation_min_words and tied:
        return [
            FeedbackItem(
                category="formulation",
                kind="praise",
                earned=weights.formulation,
                possible=weights.formulation,
                message=f"The formulation ties together {', '.join(need_label(d).lower() for d in tied)}.",
            )
        ]
    least = weights.formulation_min_words
    reason = (f"it has {words} word{'s' if words != 1 else ''}; aim for {least} or more" if words < least
              else "it does not mention the case's main needs")
    return [FeedbackItem(category="formulation", kind="missed", earned=weights.formulation / 2,
                         possible=weights.formulation, message=f"The formulation is thin: {reason}.")]


def score_assessment(case: Case, assessment: Assessment) -> list[FeedbackItem]:
    """Every assessment item: needs, risks, strengths, formulation."""
    return (score_needs(case, assessment) + score_risks(case, assessment)
            + score_strengths(case, assessment) + score_formulation(case, assessment))
