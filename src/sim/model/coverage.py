"""Who pays for what after a hospital stay: Medicare's cost sharing and the coverage beside it.

The patient's ``economics.insurance`` and ``economics.supplemental`` decide it, with the rules and
amounts of ``sim/data/coverage.yaml`` (CMS's yearly figures, the Medigap plan chart of CMS's
"Choosing a Medigap Policy", the Medicare Advantage and Medicaid rules in 42 CFR). Original
Medicare alone leaves the Part A deductible and the skilled nursing facility coinsurance of days
21-100 to the patient; a Medigap policy pays them by its plan letter; a Medicare Advantage plan
has its own copays and may require prior authorization (and may waive the 3-day stay); Medicaid
pays a dual eligible's cost sharing and long-term care. Nobody but Medicaid pays custodial care.

    >>> import sim
    >>> hip = sim.load_case("medsurg_hip_01").patient    # original Medicare alone, 179% FPL
    >>> [(n.domain, n.severity) for n in coverage_needs(hip, ["skilled_nursing"])]
    [('insurance_gap', 2)]
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from sim.model.base import TableModel
from sim.model.clinical import medigap_letter
from sim.model.eligibility import INPATIENT_ADMISSIONS
from sim.tables import cached_table

if TYPE_CHECKING:
    from sim.model.patient import Patient

MEDICARE = ("medicare", "dual")
CUSTODIAL_DISPOSITIONS = ("long_term_care", "assisted_living")
Domain = Literal["insurance_gap", "financial_strain"]
Left = Literal["none", "part", "all"]


class MedicareCost(TableModel):
    label: str
    amount: float | None = None
    percent: int | None = None
    unit: str = ""
    days: int | None = None
    source: str


class MedigapPlan(TableModel):
    """Percent of each cost the plan pays (0, 50, 75 or 100)."""

    part_a_deductible: int = Field(ge=0, le=100)
    snf_coinsurance: int = Field(ge=0, le=100)
    part_b_coinsurance: int = Field(ge=0, le=100)


class Medigap(TableModel):
    plans: dict[str, MedigapPlan]
    not_covered: str
    source: str


class Rule(TableModel):
    reason: str
    source: str


class PriorAuthorization(Rule):
    dispositions: list[str]


class Advantage(TableModel):
    prior_authorization: PriorAuthorization
    three_day_waiver: Rule
    cost_sharing: Rule


class Wraparound(TableModel):
    cost_sharing: Rule
    long_term_care: Rule
    assisted_living: Rule
    extra_help: Rule


class CoverageTable(TableModel):
    """The data file ``coverage.yaml``."""

    year: int
    medicare: dict[Literal["part_a_deductible", "snf_coinsurance", "part_b_coinsurance", "home_health",
                           "custodial"], MedicareCost]
    medigap: Medigap
    medicare_advantage: Advantage
    medicaid_wraparound: Wraparound
    catastrophic_share: float = Field(gt=0, lt=1)
    catastrophic_source: str
    burden_fpl_percent: int = Field(gt=0)


table = cached_table("coverage.yaml", CoverageTable, "The validated table (cached).")


@dataclass(frozen=True)
class Payers:
    """The coverage of one patient, as the rules below read it."""

    medicare: bool
    advantage: bool
    waives_three_day_stay: bool
    medigap: str | None  # the plan letter, '?' when the policy names none
    retiree: bool
    medicaid: bool  # Medicaid pays Medicare's cost sharing: full dual eligible or QMB
    medicaid_long_term_care: bool  # Medicaid's long-term care benefit: full dual eligible
    extra_help: bool = False  # the Part D low-income subsidy: granted, or deemed with Medicaid or an MSP

    def describe(self) -> str:
        """The coverage in words, for a sentence."""
        if not self.medicare:
            return "no Medicare"
        parts = ["Medicare Advantage" if self.advantage else "original Medicare"]
        if self.medigap:
            parts.append("Medigap" + (f" Plan {self.medigap}" if self.medigap != "?" else ""))
        if self.retiree:
            parts.append("retiree coverage")
        if self.medicaid_long_term_care:
            parts.append("Medicaid (dual eligible)")
        elif self.medicaid:
            parts.append("QMB")
        if len(parts) == 1 and not self.advantage:
            return "original Medicare alone"
        return " with ".join([parts[0], " and ".join(parts[1:])]) if len(parts) > 1 else parts[0]


def payers(patient: Patient) -> Payers:
    """What pays beside (or instead of) original Medicare for this patient."""
    econ = patient.economics
    kinds = {s.kind: s for s in econ.supplemental}
    gap = kinds.get("medigap")
    advantage = kinds.get("medicare_advantage")
    return Payers(
        medicare=econ.insurance in MEDICARE,
        advantage=advantage is not None,
        waives_three_day_stay=bool(advantage is not None and advantage.waives_three_day_stay),
        medigap=(medigap_letter(gap.plan) or "?") if gap is not None else None,
        retiree="employer_retiree" in kinds,
        medicaid=econ.insurance == "dual" or "qmb" in kinds,
        medicaid_long_term_care=econ.insurance == "dual",
        extra_help=econ.insurance == "dual" or bool({"extra_help", "qmb", "slmb", "qi"} & set(kinds)),
    )


def three_day_rule_applies(patient: Patient) -> bool:
    """Whether a SNF stay needs the prior 3-day inpatient stay: Medicare, unless a Medicare
    Advantage plan waives it (42 CFR 409.30(a); 422.101(c))."""
    p = payers(patient)
    return p.medicare and not p.waives_three_day_stay


def prior_authorization(patient: Patient, disposition: str | None) -> Rule | None:
    """The prior-authorization rule when a Medicare Advantage plan must approve this disposition."""
    rule = table().medicare_advantage.prior_authorization
    if disposition in rule.dispositions and payers(patient).advantage:
        return rule
    return None


@dataclass(frozen=True)
class CostLine:
    """One cost the patient faces after the stay, who pays it and what is left to the patient.

    ``left``: "none" (fully paid), "part" (the patient pays a share) or "all" (nobody else pays).
    ``domain``: the need an unpaid cost makes (insurance_gap for cost sharing, financial_strain for
    custodial care).
    """

    what: str
    paid_by: str
    left: Left
    why: str
    source: str
    domain: Domain = "insurance_gap"
    amount: float | None = None  # the most the patient can owe, when it is a known sum

    def sentence(self) -> str:
        """The line as feedback says it."""
        return f"{self.what[:1].upper()}{self.what[1:]}: {self.why} ({self.source})"


def _money(amount: float) -> str:
    return f"${amount:,.2f}".replace(".00", "")


def _cost_share(p: Payers, cost: Literal["part_a_deductible", "snf_coinsurance", "part_b_coinsurance"],
                what: str, amount: float | None = None) -> CostLine:
    t = table()
    row = t.medicare[cost]
    if p.medicaid:
        rule = t.medicaid_wraparound.cost_sharing
        return CostLine(what, "Medicaid", "none", f"{rule.reason}", rule.source)
    if p.advantage:
        rule = t.medicare_advantage.cost_sharing
        return CostLine(what, "the Medicare Advantage plan, with its copays", "part", rule.reason, rule.source)
    if p.medigap is not None:
        share = getattr(t.medigap.plans[p.medigap], cost) if p.medigap != "?" else None
        plan = f"Medigap Plan {p.medigap}" if p.medigap != "?" else "the Medigap policy"
        if share is None:
            return CostLine(what, plan, "part", "how much the policy pays depends on its plan letter, which "
                            "the chart does not give: check the card", t.medigap.source)
        left: Left = "none" if share == 100 else "all" if share == 0 else "part"
        words = (f"{plan} pays it in full" if left == "none" else f"{plan} does not pay it" if left == "all"
                 else f"{plan} pays {share}% of it")
        owed = amount * (100 - share) / 100 if amount is not None and left != "none" else None
        return CostLine(what, plan, left, words, t.medigap.source, amount=owed)
    if p.retiree:
        return CostLine(what, "the retiree plan, after Medicare", "part",
                        "retiree coverage pays after Medicare by its own terms: check what it pays",
                        "CMS, 'Medicare and Other Health Benefits: Your Guide to Who Pays First' (02179)")
    return CostLine(what, "nobody: original Medicare alone", "all",
                    "with original Medicare alone and nothing beside it, the patient pays it", row.source,
                    amount=amount)


def costs(patient: Patient, disposition: str | None) -> list[CostLine]:
    """The costs of this stay and of ``disposition`` for a Medicare patient, and who pays them.

    Empty for a patient without Medicare (their plan's own rules are not modelled here).
    """
    p = payers(patient)
    if not p.medicare:
        return []
    t = table()
    lines: list[CostLine] = []
    if patient.medical.admission_type in INPATIENT_ADMISSIONS:
        ded = t.medicare["part_a_deductible"]
        lines.append(_cost_share(p, "part_a_deductible",
                                 f"{ded.label} ({_money(ded.amount or 0)} {ded.unit}, {t.year})", ded.amount))
    if disposition in ("skilled_nursing", "rehabilitation", "home_with_services"):
        if disposition == "skilled_nursing":
            snf = t.medicare["snf_coinsurance"]
            total = (snf.amount or 0) * (snf.days or 0)
            lines.append(_cost_share(p, "snf_coinsurance",
                                     f"{snf.label}, {_money(snf.amount or 0)} {snf.unit}, up to "
                                     f"{_money(total)} in {t.year}", total))
        if disposition == "home_with_services":
            b = t.medicare["part_b_coinsurance"]
            lines.append(_cost_share(p, "part_b_coinsurance", f"{b.label} ({b.percent}% {b.unit})"))
    if disposition in CUSTODIAL_DISPOSITIONS or (disposition == "home_with_services" and patient.lives_alone):
        care = t.medicare["custodial"]
        what = (care.label if disposition != "home_with_services"
                else "paid help at home beyond home health's visits (" + care.label.split(" (")[1])
        if p.medicaid_long_term_care and disposition == "assisted_living":
            rule = t.medicaid_wraparound.assisted_living
            lines.append(CostLine(what, "Medicaid (care services only)", "part", rule.reason, rule.source,
                                  "financial_strain"))
        elif p.medicaid_long_term_care:
            rule = t.medicaid_wraparound.long_term_care
            lines.append(CostLine(what, "Medicaid", "none", rule.reason, rule.source, "financial_strain"))
        else:
            extra = f"; {t.medigap.not_covered}" if p.medigap else ""
            lines.append(CostLine(what, "nobody: private pay", "all",
                                  f"Medicare does not cover custodial care{extra}; the patient pays privately "
                                  "(or with long-term care insurance) until eligible for Medicaid",
                                  f"{care.source}; {t.medigap.source}" if p.medigap else care.source,
                                  "financial_strain"))
    if disposition is not None and (p.medicaid or p.extra_help):
        rule = t.medicaid_wraparound.extra_help
        lines.append(CostLine("prescriptions after discharge (Part D)", "Extra Help", "none", rule.reason,
                              rule.source))
    return lines


@dataclass(frozen=True)
class CoverageNeed:
    """A financial need the coverage leaves: its domain, severity and the costs behind it."""

    domain: Domain
    severity: int
    lines: tuple[CostLine, ...]

    @property
    def evidence(self) -> str:
        return "; ".join(line.sentence() for line in self.lines)


def coverage_needs(patient: Patient, dispositions: Sequence[str]) -> list[CoverageNeed]:
    """The financial needs the costs left unpaid make, for the stay and these dispositions.

    Known sums the patient owes at ``catastrophic_share`` of the household's income or more make a
    severity-2 need; smaller ones, and costs of unknown size (the Part B coinsurance, a plan's
    copays), a severity-1 need at or below ``burden_fpl_percent`` and none above it. Private-pay
    custodial care is severity 2.
    """
    t = table()
    econ = patient.economics
    burden = econ.fpl_percent <= t.burden_fpl_percent
    found: dict[Domain, list[CostLine]] = {}
    wanted: list[str | None] = [*dispositions] if dispositions else [None]
    for disposition in wanted:
        for line in costs(patient, disposition):
            if line.left != "none" and line not in found.setdefault(line.domain, []):
                found[line.domain].append(line)
    out: list[CoverageNeed] = []
    for domain, lines in found.items():
        owed = sum(line.amount or 0 for line in lines if line.left != "none")
        private_pay = any(line.domain == "financial_strain" and line.left == "all" for line in lines)
        catastrophic = private_pay or owed >= t.catastrophic_share * max(econ.household_income, 1)
        severity = 2 if catastrophic else 1 if burden else 0
        if severity:
            out.append(CoverageNeed(domain, severity, tuple(lines)))
    return out
