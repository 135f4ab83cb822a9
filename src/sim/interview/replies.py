"""Compose the patient's reply to one question from the templates, the patient's knowledge and
the interview state. The disclosure rule:

1. A patient who needs an interpreter that has not been brought in gives a limited-English reply
   that asserts nothing. A jargon question to a patient with low health literacy gets a request
   to say it in plain words.
2. In a domain with a hidden fact not yet disclosed: the easiest such fact is disclosed when the
   question's style allows disclosure (not closed, leading, judgmental, jargon or
   double-barrelled; a question of the bank may override its style, as the direct suicide
   question does) and rapport after the question is at least the fact's ``min_rapport``.
   A fact of a ``private_first`` crisis (crisis.yaml) waits for a private setting when the
   case key requires one. Otherwise the patient deflects (never denies; "that's all I can say
   for now" once a fact of the domain is out). The need's evidence is not stated while a fact
   of its domain is hidden.
3. In a domain with a need that is not hidden: the need's evidence is stated.
4. In a domain with no need: a plausible denial, unless the latent state or a risk contradicts
   it (then a deflection).
5. "general" questions restate the opening statement, the diagnosis, a strength or the most
   severe stated need; summaries are confirmed; hidden facts of domain "general" follow rule 2.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sim.interview.bank import Question
from sim.interview.knowledge import PatientKnowledge, StatedNeed
from sim.interview.models import Reply
from sim.interview.templates import Template, replies
from sim.model.case import HiddenFact

if TYPE_CHECKING:
    import numpy as np

_RATINGS = {0: (0, 1), 1: (3, 4), 2: (5, 7), 3: (8, 10)}
_CLOSED_LIKE = {"closed", "jargon", "double_barrelled"}


@dataclass
class ReplyContext:
    """The interview state a reply depends on."""

    rapport: int
    interpreter_blocked: bool
    disclosed: set[str]
    asked_before: bool
    general_said: set[str] = field(default_factory=set)
    anything_stated: bool = False
    private: bool = False
    blocked_by_privacy: bool = False


def compose(know: PatientKnowledge, question: Question, ctx: ReplyContext, rng: np.random.Generator) -> Reply:
    """The patient's reply to ``question`` (see the module docstring for the rule)."""
    t = replies()
    if ctx.interpreter_blocked:
        return _from(_pick(rng, t.language_barrier), [])
    if question.style == "jargon" and know.low_literacy:
        return _from(_pick(rng, t.jargon_confused), [])
    reply = _general(know, question, ctx, rng) if question.domain == "general" else _domain(know, question, ctx, rng)
    prefix = ""
    if question.style == "double_barrelled":
        prefix += _pick_str(rng, t.double_barrelled_leads)
    if ctx.asked_before:
        prefix += _pick_str(rng, t.repeat_leads)
    if prefix:
        reply = reply.model_copy(update={"text": prefix + reply.text})
    return reply


def _domain(know: PatientKnowledge, q: Question, ctx: ReplyContext, rng: np.random.Generator) -> Reply:
    pending = [f for f in know.hidden_in(q.domain) if f.id not in ctx.disclosed]
    need = know.needs.get(q.domain)
    if pending:
        fact = _disclosable(know, pending, q, ctx)
        if fact is not None:
            return _disclose(fact, rng)
        if len(pending) < len(know.hidden_in(q.domain)) and q.style != "judgmental":
            return _from(_pick(rng, replies().deflection.more), [("deflects", q.domain)])
        return _deflect(q, rng, know.case.patient.lives_alone)
    if need is not None:
        return _need(need, q, rng, know.case.patient.identity.given_name, ctx.asked_before,
                     speaker_of(know.case.opening_statement), know.case.patient.lives_alone)
    if not know.may_deny(q.domain):
        return _deflect(q, rng, know.case.patient.lives_alone)
    return _deny(q, rng)


def _disclosable(
    know: PatientKnowledge, pending: list[HiddenFact], q: Question, ctx: ReplyContext
) -> HiddenFact | None:
    if not q.allows_disclosure():
        return None
    for fact in pending:
        if ctx.rapport < fact.min_rapport:
            continue
        if fact.crisis in know.private_crises and not ctx.private:
            ctx.blocked_by_privacy = True
            continue
        return fact
    return None


def _disclose(fact: HiddenFact, rng: np.random.Generator) -> Reply:
    t = replies().disclosure
    emotion = _pick_str(rng, t.emotion_crisis if fact.crisis else t.emotion)
    text = _pick_str(rng, t.leads) + fact.statement.strip()
    return Reply(text=text, emotion=emotion, facts=[("fact", fact.id)], disclosed=[fact])


_SPEAKER = re.compile(r"^\s*\((?P<name>[^,()]+),\s*(?P<relation>[^()]+)\)")


def speaker_of(opening: str) -> str | None:
    """Who speaks for the patient ("Brianna Collins, mother"), when the case's opening statement
    starts with the speaker, as the library's conventions have it for an infant or a patient who
    cannot speak; None when the patient speaks."""
    found = _SPEAKER.match(opening)
    if found is None or found.group("name").strip().lower().startswith("through"):
        return None
    relation = re.split(r",\s*through\b", found.group("relation"))[0].strip()
    return f"{found.group('name').strip()} ({relation})"


def _need(need: StatedNeed, q: Question, rng: np.random.Generator, name: str, plain: bool = False,
          speaker: str | None = None, alone: bool = False) -> Reply:
    t = replies()
    lines = t.need
    lead = ""
    if q.style in _CLOSED_LIKE:
        template = _pick(rng, lines.closed)
    elif q.style == "leading":
        template = _pick(rng, lines.guarded)
    elif q.style == "judgmental":
        template = _pick(rng, lines.judged)
    elif q.style == "scaling":
        template = _pick(rng, lines.scaling)
    else:
        template = _pick(rng, lines.open)
        lead = _pick_str(rng, t.leads)
        if plain or template.text.startswith("*"):
            lead = ""
        elif (need.severity == 3 and q.style in ("reflection", "empathic") and rng.random() < 0.5):
            heavy = _pick(rng, lines.heavy)
            lead, template = heavy.text, template.model_copy(update={"emotion": heavy.emotion})
    # A patient who lives alone says the lines that assume no one at home (alone_voices), where given.
    voices = (t.proxy_voices[need.domain] if speaker
              else t.alone_voices.get(need.domain, t.voices[need.domain]) if alone else t.voices[need.domain])
    voice = _pick_str(rng, voices.mild if need.severity == 1 else voices.severe).replace("{name}", name)
    low, high = _RATINGS[need.severity]
    values = {"voice": voice, "evidence": _sentence(need.evidence), "evidence_lc": _sentence(need.evidence, lower=True),
                  "rating": str(int(rng.integers(low, high + 1))), "name": name, "speaker": speaker or name}
    body = _fill(template.text, **values)
    if lead.endswith(", "):
        body = _lc(body)
    text = lead + body + _fill((lines.proxy_detail if speaker else lines.detail).text, **values)
    return Reply(text=text, emotion=template.emotion, asks_back=template.asks_back, facts=[("need", need.domain)])


def _deflect(q: Question, rng: np.random.Generator, alone: bool = False) -> Reply:
    t = replies().deflection
    if q.style == "judgmental":
        lines = t.judged
    else:
        generic = t.low_rapport if q.allows_disclosure() else t.closed
        own = (t.alone_by_domain.get(q.domain) or t.by_domain.get(q.domain, []) if alone
               else t.by_domain.get(q.domain, []))
        lines = own if own and rng.random() < 0.5 else generic
    return _from(_pick(rng, lines), [("deflects", q.domain)])


def _deny(q: Question, rng: np.random.Generator) -> Reply:
    t = replies().denial
    if q.style == "judgmental":
        lines = t.judged
    elif q.style in _CLOSED_LIKE or q.style == "leading":
        lines = t.closed
    elif q.style == "scaling":
        lines = t.scaling
    else:
        own = t.by_domain.get(q.domain, [])
        lines = own if own and rng.random() < 0.5 else t.open
    return _from(_pick(rng, lines), [("denies", q.domain)])


def _general(know: PatientKnowledge, q: Question, ctx: ReplyContext, rng: np.random.Generator) -> Reply:
    t = replies().general
    pending = [f for f in know.hidden_in("general") if f.id not in ctx.disclosed]
    fact = _disclosable(know, pending, q, ctx) if pending else None
    if fact is not None:
        return _disclose(fact, rng)
    if q.style in _CLOSED_LIKE:
        return _from(_pick(rng, t.closed), [])
    if q.style == "leading":
        return _from(_pick(rng, t.leading), [])
    if q.style == "judgmental":
        return _from(_pick(rng, t.judged), [])
    if q.style == "summarizing":
        return _from(_pick(rng, t.summary if ctx.anything_stated else t.summary_empty), [])
    if q.style == "scaling":
        worst = max((n.severity for n in know.needs.values()), default=0)
        rating = max(1, 8 - 2 * worst + int(rng.integers(0, 2)))
        return _from(_pick(rng, t.scaling), [], rating=str(rating))
    return _general_content(know, q, ctx, rng)


def _general_content(know: PatientKnowledge, q: Question, ctx: ReplyContext, rng: np.random.Generator) -> Reply:
    t = replies().general
    case = know.case
    options = ["opening", "diagnosis"] + [f"strength:{s}" for s in case.patient.profile.strengths if s.strip()]
    stated = [n for n in sorted(know.needs.values(), key=lambda n: (-n.severity, n.domain))
              if not know.hidden_in(n.domain)]
    if stated:
        options.append("need")
    if q.topic is not None:
        wanted = [o for o in options if o.split(":")[0] == q.topic]
        options = wanted or options
    fresh = [o for o in options if o not in ctx.general_said] or options
    choice = fresh[int(rng.integers(len(fresh)))]
    ctx.general_said.add(choice)
    if choice == "opening":
        opening = case.opening_statement.strip()
        return _from(_pick(rng, t.opening), [("chart", "opening_statement")],
                     opening=opening)
    if choice == "diagnosis":
        label = case.patient.medical.primary_diagnosis.label.strip()
        return _from(_pick(rng, t.diagnosis), [("chart", "primary_diagnosis")], diagnosis=_lc(label))
    if choice == "need":
        return _need(stated[0], q, rng, case.patient.identity.given_name, ctx.asked_before,
                     speaker_of(case.opening_statement), case.patient.lives_alone)
    strength = _sentence(choice.removeprefix("strength:"))
    return _from(_pick(rng, t.strength), [("strength", choice.removeprefix("strength:"))],
                 strength=strength, strength_lc=_sentence(strength, lower=True), name=case.patient.identity.given_name)


def _from(template: Template, facts: list, **values: str) -> Reply:
    return Reply(text=_fill(template.text, **values), emotion=template.emotion,
                 asks_back=template.asks_back, facts=facts)


def _fill(text: str, **values: str) -> str:
    return text.format_map(values) if values else text


def _pick(rng: np.random.Generator, lines: list[Template]) -> Template:
    return lines[int(rng.integers(len(lines)))]


def _pick_str(rng: np.random.Generator, lines: list[str]) -> str:
    return lines[int(rng.integers(len(lines)))]


def _lc(text: str) -> str:
    """Lower-case the first letter unless it starts an acronym or is the pronoun I."""
    if text[1:2].isupper() or text.startswith(("I ", "I'")):
        return text
    return text[:1].lower() + text[1:]


def _sentence(text: str, lower: bool = False) -> str:
    text = text.strip()
    text = _lc(text) if lower else text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
