"""Stage 3 and 6: family and household (slots for a genogram and an ecomap), then roles.

Each patient has the same ten family slots (partner, ex-partner, mother, father, three children,
two siblings, one other person); a slot may be empty. Arrays are (n, 10).
"""
from __future__ import annotations

import numpy as np

from sim.generate.batch import FAMILY_SLOTS, SLOT, Batch
from sim.generate.params import params
from sim.generate.sampling import categorical

ROLES = ("caregiver", "dependent", "support", "stressor", "none")
QUALITIES = ("strong", "moderate", "tenuous", "conflicted", "abusive", "cut_off")
PARTNER_STATUS = ("married", "partnered", "separated", "divorced", "widowed")
OTHER_RELATIONS = ("friend", "neighbor", "niece", "nephew", "grandmother")
S = len(FAMILY_SLOTS)


def _p(table: list[float], band: np.ndarray) -> np.ndarray:
    return np.array(table)[band]


def _span(u: np.ndarray, bounds: tuple[int, int]) -> np.ndarray:
    """Whole numbers uniform in [lo, hi] from uniforms ``u``."""
    lo, hi = bounds
    return lo + np.minimum((u * (hi - lo + 1)).astype(np.int64), hi - lo)


def draw_family(b: Batch) -> None:
    """Partner, ex-partner, parents, children, siblings: who exists, lives, lives with the patient."""
    fam = params().family
    A = fam.ages
    n, rs = b.n, b.rs
    age, sex, band = b["age"], b["sex"], b["age_band"]
    child = age < 18
    adult = ~child
    u = rs.u("family", 40)  # one column per decision below
    exists = np.zeros((n, S), dtype=bool)
    living = np.ones((n, S), dtype=bool)
    lives = np.zeros((n, S), dtype=bool)
    fage = np.zeros((n, S), dtype=np.int64)
    fsex = np.zeros((n, S), dtype=np.int64)
    pstatus = np.full((n, S), -1, dtype=np.int64)
    col = iter(range(40))

    # partner: current (married / partnered), or a deceased spouse (widowed)
    P, X = SLOT["partner"], SLOT["ex_partner"]
    female_like = sex != 1
    has_partner = adult & (u[:, next(col)] < _p(fam.p_partner_by_age, band))
    widowed = adult & ~has_partner & (u[:, next(col)] < np.where(
        female_like, _p(fam.p_widowed_female_by_age, band), _p(fam.p_widowed_male_by_age, band)))
    exists[:, P] = has_partner | widowed
    living[:, P] = has_partner
    lives[:, P] = has_partner & (u[:, next(col)] < fam.p_partner_lives_with)
    pstatus[:, P] = np.where(widowed, 4, np.where(u[:, next(col)] < fam.p_married_given_partner, 0, 1))
    same_sex = u[:, next(col)] < fam.p_same_sex_partner
    fsex[:, P] = np.where(same_sex, np.where(sex == 1, 1, 0), np.where(sex == 1, 0, 1))
    fage[:, P] = np.maximum(age + _span(u[:, next(col)], A.partner_offset), 16)
    fage[:, P] = np.where(
        widowed, np.maximum(fage[:, P] - _span(u[:, next(col)], A.widowed_years_ago), 20), fage[:, P]
    )
    exists[:, X] = adult & (u[:, next(col)] < _p(fam.p_ex_partner_by_age, band))
    pstatus[:, X] = np.where(u[:, next(col)] < fam.p_divorced_given_ex, 3, 2)
    fsex[:, X] = fsex[:, P]
    fage[:, X] = np.maximum(age + _span(u[:, next(col)], A.ex_partner_offset), 16)

    # parents
    M, F = SLOT["mother"], SLOT["father"]
    exists[:, M] = exists[:, F] = True
    fsex[:, M], fsex[:, F] = 0, 1
    fage[:, M] = age + _span(u[:, next(col)], A.mother_age_at_birth)
    fage[:, F] = fage[:, M] + _span(u[:, next(col)], A.father_minus_mother)
    living[:, M] = u[:, next(col)] < _p(fam.p_mother_alive_by_age, band)
    living[:, F] = u[:, next(col)] < _p(fam.p_father_alive_by_age, band)
    death_age = _span(u[:, next(col)], A.parent_death_age)
    for slot in (M, F):
        living[:, slot] &= fage[:, slot] <= A.parent_max_age
        fage[:, slot] = np.where(living[:, slot], fage[:, slot], np.minimum(fage[:, slot], death_age))
    kind = categorical(u[:, next(col)], list(fam.child_household.values()))  # child patients
    kinds = list(fam.child_household)
    both, mom, dad = kinds.index("both_parents"), kinds.index("mother_only"), kinds.index("father_only")
    adult_stays = u[:, next(col)] < _p(fam.p_lives_with_parents_adult, band)
    lives[:, M] = np.where(child, (kind == both) | (kind == mom), adult_stays)
    lives[:, F] = np.where(child, (kind == both) | (kind == dad), lives[:, M])
    living[:, M] |= child & lives[:, M]
    living[:, F] |= child & lives[:, F]
    lives[:, M] &= living[:, M]
    lives[:, F] &= living[:, F]
    kin = child & (kind == kinds.index("kin"))

    # children
    n_children = np.zeros(n, dtype=np.int64)
    uc = u[:, next(col)]
    for bi, table in enumerate(fam.children_by_age):
        m = band == bi
        n_children[m] = np.array(list(table))[categorical(uc[m], list(table.values()))]
    first_age = age - _span(u[:, next(col)], A.first_child_at)
    maternity = np.array(list(params().settings.settings))[b["setting"]] == "maternity"
    n_children = np.where(maternity, np.maximum(n_children, 1), n_children)
    step2 = _span(u[:, next(col)], A.second_child_gap)
    step3 = _span(u[:, next(col)], A.third_child_gap)
    ages = [first_age, first_age - step2, first_age - step2 - step3]
    newborn_sibs = [np.zeros(n, dtype=np.int64), step2, step2 + step3]  # maternity: the newborn first
    for k in range(3):
        slot = SLOT[f"child{k + 1}"]
        cage = np.where(maternity, newborn_sibs[k], ages[k])
        exists[:, slot] = (adult | maternity) & (n_children > k) & (cage >= 0) & (cage <= age - 14)
        fage[:, slot] = np.maximum(cage, 0)
        fsex[:, slot] = (u[:, next(col)] >= fam.p_female_child).astype(np.int64)
        lives[:, slot] = exists[:, slot] & ((fage[:, slot] < 18) | (u[:, next(col)] < fam.p_adult_child_lives_with))
    # siblings
    n_sib = np.array(list(fam.siblings))[categorical(u[:, next(col)], list(fam.siblings.values()))]
    for k in range(2):
        slot = SLOT[f"sibling{k + 1}"]
        lo, hi = A.sibling_offset
        offset = _span(u[:, next(col)], (lo, hi - 1))
        offset = np.where(offset >= 0, offset + 1, offset)  # younger or older, never the same year
        exists[:, slot] = (n_sib > k) & (age + offset >= 0)  # a younger sibling must be born
        fage[:, slot] = np.maximum(age + offset, 0)
        fsex[:, slot] = (u[:, next(col)] < 0.5).astype(np.int64)
        living[:, slot] = (fage[:, slot] < 75) | (u[:, next(col)] < fam.p_sibling_alive_75_plus)
        lives[:, slot] = exists[:, slot] & living[:, slot] & np.where(
            child, (fage[:, slot] < 18) | (u[:, next(col)] < fam.p_sibling_lives_with_child),
            u[:, next(col)] < fam.p_sibling_lives_with_adult)
    # other person: a grandmother raising a child in kin care; otherwise empty until a caregiver is needed
    OTH = SLOT["other"]
    exists[:, OTH] = kin
    lives[:, OTH] = kin
    fage[:, OTH] = np.where(kin, age + _span(u[:, next(col)], A.grandmother_older_by), 40)
    other_rel = np.where(kin, OTHER_RELATIONS.index("grandmother"), -1)
    lives &= exists & living
    b["f_exists"], b["f_living"], b["f_lives"] = exists, living, lives
    b["f_age"], b["f_sex"] = np.minimum(fage, 110), fsex
    b["f_pstatus"], b["f_other_rel"] = pstatus, other_rel
    b["f_quality"] = _quality(rs.u("quality", S), list(fam.quality.values()))
    b["f_role"] = np.full((n, S), ROLES.index("none"), dtype=np.int64)


def draw_family_health(b: Batch) -> None:
    """Health of each family member (only for Patient objects; cohorts do not show it)."""
    b["f_health"] = _categorical_matrix(b.rs.u("health", S), list(params().family.health.values()))


def _quality(u: np.ndarray, weights: list[float]) -> np.ndarray:
    names = list(params().family.quality)
    idx = _categorical_matrix(u, weights)
    return np.array([QUALITIES.index(q) for q in names])[idx]


def _categorical_matrix(u: np.ndarray, weights: list[float]) -> np.ndarray:
    cum = np.cumsum(weights)
    return np.minimum(np.searchsorted(cum, u * cum[-1], side="right"), len(weights) - 1)


def household_counts(b: Batch) -> None:
    """Household size (patient included) and whether the patient lives alone."""
    lives = b["f_lives"] & b["f_exists"] & b["f_living"]
    b["household_size"] = np.minimum(1 + lives.sum(axis=1), 12)
    b["lives_alone"] = ~lives.any(axis=1)


def assign_roles(b: Batch, caregiver_strain: np.ndarray, dv: np.ndarray, elder: np.ndarray,
                 child_welfare: np.ndarray) -> None:
    """Caregiver, dependents, supports and stressors, after the needs are known.

    A caregiver is named when the patient needs care (a child, ADL or 3+ IADL dependence, a poor
    or terminal prognosis, age 80+) or their caregiver is strained. Domestic violence marks the partner
    (or an ex-partner) abusive; elder abuse marks the caregiver or an adult child.
    """
    fam = params().family
    n = b.n
    ex, liv, lives, fage = b["f_exists"], b["f_living"], b["f_lives"], b["f_age"]
    quality, role = b["f_quality"], b["f_role"]
    age = b["age"]
    child = age < 18
    u = b.rs.u("roles", 8)
    rows = np.arange(n)
    P, X, M, F, OTH = SLOT["partner"], SLOT["ex_partner"], SLOT["mother"], SLOT["father"], SLOT["other"]
    # child welfare for an adult with no minor child: a child (or grandchild) in the home
    minor = (ex[:, 4:7] & liv[:, 4:7] & (fage[:, 4:7] < 18)).any(axis=1)
    add_child = (child_welfare > 0) & ~child & ~minor
    c1 = SLOT["child1"]
    ex[:, c1] |= add_child
    liv[:, c1] |= add_child
    lives[:, c1] |= add_child
    fage[:, c1] = np.where(add_child, np.minimum((u[:, 0] * 18).astype(np.int64), np.maximum(age - 14, 0)), fage[:, c1])
    # domestic violence: the current partner, else an ex-partner
    current = ex[:, P] & liv[:, P] & (b["f_pstatus"][:, P] <= 1)
    abusive_partner = (dv > 0) & current
    abusive_ex = (dv > 0) & ~current
    ex[:, X] |= abusive_ex
    liv[:, X] |= abusive_ex
    b["f_pstatus"][:, X] = np.where(abusive_ex & child, -1, b["f_pstatus"][:, X])
    quality[:, P] = np.where(abusive_partner, QUALITIES.index("abusive"), quality[:, P])
    quality[:, X] = np.where(abusive_ex, QUALITIES.index("abusive"), quality[:, X])
    # who gives care
    from sim.generate.psychosocial import needs_care

    needs_cg = needs_care(b) | (caregiver_strain > 0)
    ok = ex & liv & (quality != QUALITIES.index("abusive")) & (quality != QUALITIES.index("cut_off"))
    cand = np.full(n, -1, dtype=np.int64)
    order: list[np.ndarray] = []
    for name in fam.caregiver_order:
        if name == "partner":
            order.append(np.where(ok[:, P] & current & (fage[:, P] >= 16), P, -1))
        elif name == "child":
            for k in (4, 5, 6):  # co-resident adult children first
                order.append(np.where(ok[:, k] & (fage[:, k] >= 18) & lives[:, k], k, -1))
            for k in (4, 5, 6):
                order.append(np.where(ok[:, k] & (fage[:, k] >= 18), k, -1))
        elif name == "sibling":
            for k in (7, 8):
                order.append(np.where(ok[:, k] & (fage[:, k] >= 16), k, -1))
        else:
            k = SLOT[name]
            order.append(np.where(ok[:, k] & (fage[:, k] <= 85), k, -1))
    child_order = [np.where(ex[:, M] & liv[:, M] & lives[:, M], M, -1),
                   np.where(ex[:, F] & liv[:, F] & lives[:, F], F, -1),
                   np.where(ex[:, M] & liv[:, M], M, -1), np.where(ex[:, F] & liv[:, F], F, -1),
                   np.where(ex[:, OTH] & lives[:, OTH], OTH, -1)]
    for choice in order:
        cand = np.where((cand < 0) & ~child, choice, cand)
    for choice in child_order:
        cand = np.where((cand < 0) & child, choice, cand)
    make_other = needs_cg & (cand < 0)
    oc = fam.other_caregiver
    rel = np.array([OTHER_RELATIONS.index(r) for r in oc["relations"]])[_categorical_matrix(u[:, 1], oc["weights"])]
    ex[:, OTH] |= make_other
    liv[:, OTH] |= make_other
    b["f_other_rel"] = np.where(make_other, rel, b["f_other_rel"])
    fage[:, OTH] = np.where(make_other, _span(u[:, 2], fam.ages.other_caregiver_age), fage[:, OTH])
    male = (u[:, 3] < fam.p_other_caregiver_male).astype(np.int64)
    b["f_sex"][:, OTH] = np.where(make_other, male, b["f_sex"][:, OTH])
    b["f_sex"][:, OTH] = np.where(b["f_other_rel"] == OTHER_RELATIONS.index("grandmother"), 0, b["f_sex"][:, OTH])
    b["f_sex"][:, OTH] = np.where(b["f_other_rel"] == OTHER_RELATIONS.index("niece"), 0,
                                  np.where(b["f_other_rel"] == OTHER_RELATIONS.index("nephew"), 1, b["f_sex"][:, OTH]))
    cand = np.where(make_other, OTH, cand)
    cg = np.where(needs_cg, cand, -1)
    # roles: dependents, supports, stressors, then the caregiver(s)
    strong = (quality == QUALITIES.index("strong")) | (quality == QUALITIES.index("moderate"))
    bad = (quality == QUALITIES.index("conflicted")) | (quality == QUALITIES.index("abusive"))
    role[:] = np.where(ex & liv & strong, ROLES.index("support"), ROLES.index("none"))
    role[:] = np.where(ex & liv & bad, ROLES.index("stressor"), role)
    minors = np.zeros_like(ex)
    minors[:, 4:7] = ex[:, 4:7] & liv[:, 4:7] & (fage[:, 4:7] < 18)
    role[:] = np.where(minors, ROLES.index("dependent"), role)  # the patient's own children (a teen mother's too)
    has = cg >= 0
    role[rows[has], cg[has]] = ROLES.index("caregiver")
    bad_cg = has & (quality[rows, np.maximum(cg, 0)] == QUALITIES.index("cut_off"))
    quality[rows[bad_cg], cg[bad_cg]] = QUALITIES.index("moderate")
    # a child's other co-resident parent (or the grandmother raising them) also gives care
    for k in (M, F, OTH):
        co = child & ex[:, k] & liv[:, k] & lives[:, k]
        role[co, k] = ROLES.index("caregiver")
    # elder abuse: the caregiver, else an adult child, else the other person
    adult_child = np.full(n, -1, dtype=np.int64)
    for k in (6, 5, 4):
        adult_child = np.where(ex[:, k] & liv[:, k] & (fage[:, k] >= 18), k, adult_child)
    who = np.where(has & (cg != P), cg, adult_child)
    need_other = (elder > 0) & (who < 0)
    ex[:, OTH] |= need_other
    liv[:, OTH] |= need_other
    b["f_other_rel"] = np.where(need_other & (b["f_other_rel"] < 0), OTHER_RELATIONS.index("nephew"), b["f_other_rel"])
    nephew = need_other & (b["f_other_rel"] == OTHER_RELATIONS.index("nephew"))
    b["f_sex"][:, OTH] = np.where(nephew, 1, b["f_sex"][:, OTH])
    fage[:, OTH] = np.where(need_other, np.maximum(fage[:, OTH], 25), fage[:, OTH])
    who = np.where(need_other, OTH, who)
    abuse = elder > 0
    q = np.where(elder >= 2, QUALITIES.index("abusive"), QUALITIES.index("conflicted"))
    quality[rows[abuse], who[abuse]] = q[abuse]
    role[rows[abuse & (who != cg)], who[abuse & (who != cg)]] = ROLES.index("stressor")
    role[abusive_partner, P] = ROLES.index("stressor")
    role[abusive_ex, X] = ROLES.index("stressor")
    lives &= ex & liv
    # no one the patient lives with, nor a minor child, is cut off
    cut = (quality == QUALITIES.index("cut_off")) & (lives | minors)
    quality[cut] = QUALITIES.index("tenuous")
    b["caregiver_slot"] = cg
    b["f_age"] = np.minimum(fage, 110)


RELATIONS = ("spouse", "partner", "former dating partner", "ex-spouse", "separated partner", "mother", "father",
             "granddaughter", "grandson", "daughter", "son", "sister", "brother", *OTHER_RELATIONS)


def relation_codes(slot: np.ndarray, sex: np.ndarray, pstatus: np.ndarray, other_rel: np.ndarray,
                   age_gap: np.ndarray) -> np.ndarray:
    """Index into :data:`RELATIONS` of each family member's kinship term (vectorized).

    A child slot more than 45 years younger than the patient is a grandchild.
    """
    r = RELATIONS.index
    is_child = (slot >= SLOT["child1"]) & (slot <= SLOT["child3"])
    is_sib = (slot == SLOT["sibling1"]) | (slot == SLOT["sibling2"])
    P, X = SLOT["partner"], SLOT["ex_partner"]
    conds = [
        (slot == P) & ((pstatus == 0) | (pstatus == 4)), slot == P,
        (slot == X) & (pstatus < 0), (slot == X) & (pstatus == 3), slot == X,
        slot == SLOT["mother"], slot == SLOT["father"],
        is_child & (age_gap > 45) & (sex == 0), is_child & (age_gap > 45),
        is_child & (sex == 0), is_child, is_sib & (sex == 0), is_sib,
    ]
    names = ["spouse", "partner", "former dating partner", "ex-spouse", "separated partner", "mother", "father",
             "granddaughter", "grandson", "daughter", "son", "sister", "brother"]
    other = np.where(other_rel >= 0, r("friend") + other_rel, r("friend"))
    return np.select(conds, [r(x) for x in names], other).astype(np.int64)
