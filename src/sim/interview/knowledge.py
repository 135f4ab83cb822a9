"""What the simulated patient knows about themself, derived from a case: the needs they can
state, the hidden facts and the domains they belong to, the domains they must never deny, and
their health literacy. The reply composer and the consistency check both read it."""
from __future__ import annotations

from dataclasses import dataclass, field

from sim.interview.bank import style_table
from sim.interview.templates import replies
from sim.model.case import Case, HiddenFact

_RISK_ORDER = {"none": 0, "low": 1, "moderate": 2, "high": 3}


@dataclass(frozen=True)
class StatedNeed:
    """A need the patient can state: its domain, severity (1-3) and evidence."""

    domain: str
    severity: int
    evidence: str


@dataclass
class PatientKnowledge:
    """The facts a reply may draw on, derived once per interview from the case."""

    case: Case
    needs: dict[str, StatedNeed] = field(default_factory=dict)
    hidden: list[HiddenFact] = field(default_factory=list)
    low_literacy: bool = False
    private_crises: frozenset[str] = frozenset()

    @classmethod
    def from_case(cls, case: Case) -> PatientKnowledge:
        """Profile needs with severity above 0, completed by the key's needs for other domains."""
        needs: dict[str, StatedNeed] = {}
        for need in case.patient.profile.needs:
            if need.severity > 0 and need.evidence.strip():
                needs[need.domain] = StatedNeed(need.domain, need.severity, need.evidence.strip())
        for key_need in case.key.needs:
            if key_need.domain not in needs and key_need.evidence.strip():
                needs[key_need.domain] = StatedNeed(key_need.domain, key_need.severity, key_need.evidence.strip())
        private: frozenset[str] = frozenset()
        if any(a.kind == "private_setting" for a in case.key.critical_actions):
            from sim.interview.crisis import crisis_table

            private = frozenset(n for n, p in crisis_table().paths.items() if p.private_first)
        return cls(case=case, needs=needs, hidden=list(case.hidden_facts), low_literacy=_low_literacy(case),
                   private_crises=private)

    @staticmethod
    def fact_domains(fact: HiddenFact) -> set[str]:
        """Domains in which a question can disclose ``fact``: its own and the need it reveals."""
        return {fact.domain} | ({fact.reveals_need} if fact.reveals_need else set())

    def hidden_in(self, domain: str) -> list[HiddenFact]:
        """Hidden facts a question in ``domain`` can disclose, easiest first."""
        return sorted((f for f in self.hidden if domain in self.fact_domains(f)),
                      key=lambda f: (f.min_rapport, f.id))

    def may_deny(self, domain: str) -> bool:
        """True if the patient may truthfully deny a problem in ``domain``.

        Not when the domain has a need (profile or key), a hidden fact, or when the latent
        state or a profile risk contradicts a denial (``denial_blocked_when`` in replies.yaml).
        """
        if domain == "general" or domain in self.needs or self.hidden_in(domain):
            return False
        block = replies().denial_blocked_when.get(domain)
        if block is None:
            return True
        latent = self.case.patient.latent
        if any(getattr(latent, name) >= level for name, level in block.latent.items()):
            return False
        for kind in block.risks:
            risk = self.case.patient.profile.risk(kind)
            if risk is not None and _RISK_ORDER[risk.level] >= 1:
                return False
        return True


def _low_literacy(case: Case) -> bool:
    need = case.patient.profile.need("health_literacy_language")
    if need is not None and need.severity > 0:
        return True
    education = case.patient.economics.education.lower()
    return any(phrase in education for phrase in style_table().state.low_literacy_education)
