"""Check that a reply asserts only what the case supports: every stated need is in the
profile or key, every disclosed fact is a hidden fact of the case (and its statement is in the
text), every denial is for a domain the patient may deny, every chart or strength reference
exists. Used by tests and by case authors previewing an interview."""
from __future__ import annotations

from sim.interview.knowledge import PatientKnowledge
from sim.interview.models import Reply, Turn
from sim.model.case import Case


def check_reply(case: Case, reply: Reply | Turn, know: PatientKnowledge | None = None) -> list[str]:
    """Problems with what ``reply`` asserts about ``case`` (empty when consistent)."""
    know = know or PatientKnowledge.from_case(case)
    text = reply.reply if isinstance(reply, Turn) else reply.text
    hidden = {f.id: f for f in case.hidden_facts}
    problems: list[str] = []
    for kind, ref in reply.facts:
        if kind == "need":
            need = know.needs.get(ref)
            if need is None:
                problems.append(f"states a need in {ref!r}, which the case does not have")
            elif need.evidence.rstrip(".")[1:] not in text:
                problems.append(f"states a need in {ref!r} without its evidence")
        elif kind == "fact":
            if ref not in hidden:
                problems.append(f"discloses unknown hidden fact {ref!r}")
            elif hidden[ref].statement.strip() not in text:
                problems.append(f"discloses {ref!r} without its statement")
        elif kind == "denies":
            if not know.may_deny(ref):
                problems.append(f"denies a problem in {ref!r}, which the case contradicts")
        elif kind == "chart":
            if ref == "opening_statement" and not case.opening_statement.strip():
                problems.append("restates an empty opening statement")
            elif ref not in ("opening_statement", "primary_diagnosis"):
                problems.append(f"restates unknown chart field {ref!r}")
        elif kind == "strength" and ref not in case.patient.profile.strengths:
            problems.append(f"names strength {ref!r}, which the profile does not list")
    return problems
