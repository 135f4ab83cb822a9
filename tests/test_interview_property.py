"""Property: over 500 synthetic patients, no reply contradicts the case. Every fact a reply
asserts is in the profile, chart or hidden facts; no denial for a domain with a need or a
hidden fact; hidden statements appear only when disclosed, and only by the disclosure rule."""
from __future__ import annotations

import numpy as np
from test_interview import make_case

from sim.cases.model import Case, HiddenFact
from sim.interview import question_bank, start
from sim.interview.bank import style_table
from sim.model.taxonomy import need_domains

CRISIS_OF = {"crisis": "suicidal_ideation", "domestic_violence": "ipv", "child_welfare": "child_maltreatment",
             "elder_abuse": "elder_abuse"}


def random_case(seed: int) -> Case:
    """A random hand-built case: needs in random domains, some hidden, random latent state."""
    rng = np.random.default_rng(seed)
    domains = list(rng.choice(need_domains(), size=int(rng.integers(1, 7)), replace=False))
    needs = [(d, int(rng.integers(1, 4)), f"evidence {i} for {d.replace('_', ' ')}") for i, d in enumerate(domains)]
    hidden = []
    for d in domains:
        if rng.random() < 0.4:
            crisis = CRISIS_OF.get(d) if rng.random() < 0.5 else None
            hidden.append(HiddenFact(id=f"h_{d}", domain=d if rng.random() < 0.8 else "general",
                                     min_rapport=int(rng.integers(20, 80)), reveals_need=d, crisis=crisis,
                                     statement=f"Hidden statement about {d} number {seed}."))
    latent = {k: int(rng.integers(0, hi + 1)) for k, hi in
              [("depression", 4), ("anxiety", 3), ("alcohol", 3), ("suicide", 3), ("ipv", 3)]}
    risks = [(k, str(rng.choice(["none", "low", "moderate", "high"])))
             for k in ["suicide", "ipv", "elder_abuse", "child_maltreatment", "falls"] if rng.random() < 0.3]
    settings = list(style_table().state.start_rapport)
    return make_case(needs, hidden, setting=str(rng.choice(settings)), interpreter=bool(rng.random() < 0.15),
                     latent=latent, risks=risks, case_id=f"rand_{seed}",
                     education=str(rng.choice(["high school diploma", "less than high school", "college"])))


def _has_need(case: Case, domain: str) -> bool:
    return (any(n.domain == domain and n.severity > 0 for n in case.patient.profile.needs)
            or any(n.domain == domain for n in case.key.needs))


def _hides(case: Case, domain: str) -> bool:
    return any(domain in {f.domain, f.reveals_need} for f in case.hidden_facts)


def _true_state_contradicts(case: Case, domain: str) -> bool:
    """A denial the latent state or a risk contradicts (independent of the engine's table)."""
    lat, profile = case.patient.latent, case.patient.profile
    risky = {r.kind for r in profile.risks if r.level != "none"}
    return {"crisis": lat.suicide > 0 or "suicide" in risky,
            "domestic_violence": lat.ipv > 0 or "ipv" in risky,
            "substance_use": lat.alcohol >= 2,
            "elder_abuse": "elder_abuse" in risky,
            "child_welfare": "child_maltreatment" in risky}.get(domain, False)


def check_interview(case: Case, seed: int, steps: int = 14) -> None:
    rng = np.random.default_rng(seed + 1)
    bank = list(question_bank().values())
    styles = style_table().styles
    iv = start(case, seed=seed, budget_minutes=600)
    hidden = {f.id: f for f in case.hidden_facts}
    disclosed: set[str] = set()
    wanted = [q for q in bank if q.domain in {"general", *(n.domain for n in case.patient.profile.needs)}]
    for step in range(steps):
        if step == 3 and case.patient.identity.interpreter_needed and rng.random() < 0.7:
            iv.act("use_interpreter")
        q = wanted[int(rng.integers(len(wanted)))] if rng.random() < 0.7 else bank[int(rng.integers(len(bank)))]
        reply = iv.ask(q.id)
        for kind, ref in reply.facts:
            if kind == "need":
                assert _has_need(case, ref), (q.id, reply)
                evidence = next(n.evidence for n in [*case.patient.profile.needs, *case.key.needs] if n.domain == ref)
                assert evidence[1:] in reply.text
            elif kind == "fact":
                fact = hidden[ref]
                assert fact.statement in reply.text
                assert q.domain in {fact.domain, fact.reveals_need}
                assert styles[q.style].discloses and iv.rapport >= fact.min_rapport
                disclosed.add(ref)
            elif kind == "denies":
                assert ref == q.domain and not _has_need(case, ref) and not _hides(case, ref), (q.id, reply)
                assert not _true_state_contradicts(case, ref), (q.id, reply)
            elif kind == "chart":
                assert ref in ("opening_statement", "primary_diagnosis")
            elif kind == "strength":
                assert ref in case.patient.profile.strengths
        for fid, fact in hidden.items():
            if fid not in disclosed:
                assert fact.statement not in reply.text
                assert fact.statement not in iv.transcript_markdown()
        if _has_need(case, q.domain) or _hides(case, q.domain):
            assert ("denies", q.domain) not in reply.facts
    assert {f.id for f in iv.disclosed} == disclosed


def test_no_reply_contradicts_the_case_over_500_patients():
    for seed in range(500):
        check_interview(random_case(seed), seed)
