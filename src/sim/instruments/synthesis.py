"""Response synthesis: how a synthetic patient answers each instrument, from the latent state.

Vectorized for the cohort generator: :func:`synthesize` takes the latent state of ``n`` patients
as arrays and an ``(n, synth_width(id))`` array of uniforms in [0, 1), and returns item points
``(n, items)``. The same uniforms give the same answers, so one seed decides everything.

Latent keys (int arrays of length n): ``depression`` 0-4 (PHQ-9 band index), ``anxiety`` 0-3
(GAD-7 band index), ``alcohol`` 0-3, ``suicide`` 0-3, ``ipv`` 0-3, ``caregiver_burden`` 0-3,
``adl_dependencies`` 0-6, ``iadl_dependencies`` 0-8, ``sex`` (str array "female"/"male"), and
``need_housing_instability``, ``need_food_insecurity``, ``need_transportation``,
``need_utilities``, ``need_domestic_violence`` (severity 0-3). Each instrument reads only the
keys its data file names.

Output forms:

* item-scored instruments: int points ``(n, items)`` in item order, ready for ``score(id, row)``.
* ``ahc_hrsn``: int option indices ``(n, 10)`` (q1..q10, index into each question's options);
  :func:`ahc_answers` turns a row into the ``{question: option id}`` mapping ``score`` takes.
* ``cssrs_screener``: int ``(n, 7)``: q1..q6 as 1 yes, 0 no, -1 not asked (skip logic), then the
  recency of behaviour as an index into ``recency_options`` (-1 when q6 is no);
  :func:`cssrs_answers` turns a row into the mapping ``score`` takes.
* ``lace`` is scored from the chart and is not synthesized.
"""
from __future__ import annotations

import zlib
from collections.abc import Mapping
from functools import partial
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.instruments.definition import Instrument, Synthesis, get
from sim.instruments.errors import SynthesisError
from sim.instruments.scoring import ScoreResult, score

if TYPE_CHECKING:
    from sim.model import Patient

_AHC_NEEDS = ("need_housing_instability", "need_food_insecurity", "need_transportation",
              "need_utilities", "need_domestic_violence")


def _config(defn: Instrument) -> Synthesis:
    if defn.synthesis is None and defn.kind == "lace":
        raise SynthesisError(defn.id, "is scored from the chart and has no response synthesis; "
                             "use respond(patient, 'lace') or lace(...) instead")
    if defn.synthesis is None:
        raise SynthesisError(defn.id, "has no response synthesis for generated patients: ask the "
                             f"questions and score the answers with score({defn.id!r}, answers)")
    return defn.synthesis


def synth_width(instrument_id: str) -> int:
    """How many uniforms per patient :func:`synthesize` needs for this instrument."""
    defn = get(instrument_id)
    cfg = _config(defn)
    m = len(defn.items)
    if cfg.method == "derived":
        return synth_width(str(cfg.from_instrument))
    if cfg.method == "band":
        return 2 + m
    if cfg.method == "dependencies":
        return m
    if cfg.method == "ahc_hrsn":
        return 15
    return 7  # cssrs


def synthesize(instrument_id: str, latent: Mapping[str, Any], u: np.ndarray) -> np.ndarray:
    """Synthesized answers of ``n`` patients (see the module docstring for the output forms).

    Args:
        instrument_id: an instrument with synthesis (every one except ``lace``).
        latent: latent arrays of length n (only the keys this instrument uses are read).
        u: uniforms in [0, 1), shape ``(n, synth_width(instrument_id))``.

    Raises:
        SynthesisError: a latent key is missing or out of range, or ``u`` has the wrong shape.
    """
    defn = get(instrument_id)
    cfg = _config(defn)
    u = np.asarray(u, dtype=float)
    width = synth_width(instrument_id)
    if u.ndim != 2 or u.shape[1] != width:
        raise SynthesisError(defn.id, f"needs uniforms of shape (n, {width}), got {u.shape}")
    if cfg.method == "derived":
        source = get(str(cfg.from_instrument))
        full = synthesize(source.id, latent, u)
        index = [[i.id for i in source.items].index(item.id) for item in defn.items]
        return full[:, index]
    if cfg.method == "band":
        return _band(defn, cfg, latent, u)
    if cfg.method == "dependencies":
        return _dependencies(defn, cfg, latent, u)
    if cfg.method == "ahc_hrsn":
        return _ahc(defn, cfg, latent, u)
    return _cssrs(defn, cfg, latent, u)


def _levels(defn: Instrument, latent: Mapping[str, Any], key: str, n: int, top: int) -> np.ndarray:
    if key not in latent:
        raise SynthesisError(defn.id, f"needs latent[{key!r}] (int array of length {n})")
    values = np.broadcast_to(np.asarray(latent[key]), (n,)).astype(np.int64)
    if values.size and (values.min() < 0 or values.max() > top):
        raise SynthesisError(defn.id, f"latent[{key!r}] must lie in 0-{top}, got values "
                             f"{int(values.min())}-{int(values.max())}")
    return values


def _water_fill(extra: np.ndarray, weights: np.ndarray, room: np.ndarray) -> np.ndarray:
    """Real-valued shares of ``extra`` in proportion to ``weights``, none above ``room``."""
    m = weights.shape[1]
    target = np.zeros_like(weights)
    left = extra.astype(float)
    for _ in range(m):
        w = np.where(target < room, weights, 0.0)
        total_w = w.sum(axis=1, keepdims=True)
        total_w[total_w == 0] = 1.0
        target = np.minimum(target + w / total_w * left[:, None], room)
        left = extra - target.sum(axis=1)
        if left.max(initial=0.0) <= 1e-9:
            break
    return target


def _allocate(extra: np.ndarray, weights: np.ndarray, room: np.ndarray) -> np.ndarray:
    """Spread ``extra[i]`` points over items in proportion to ``weights[i]``, at most ``room``.

    Water-filling (points above an item's room go to the others in proportion), then
    largest-remainder rounding, so each row adds up to ``extra`` exactly. ``extra`` must not
    exceed the row's total room.
    """
    n, m = weights.shape
    room = room.astype(float)
    weights = np.where(room > 0, weights + 1e-9, 0.0)
    total_w = weights.sum(axis=1, keepdims=True)
    total_w[total_w == 0] = 1.0
    target = weights / total_w * extra[:, None]
    over = (target > room).any(axis=1)
    if over.any():
        target[over] = _water_fill(extra[over], weights[over], room[over])
    x = np.floor(target + 1e-9)
    short = np.rint(extra - x.sum(axis=1)).astype(np.int64)
    key = np.where(x < room, target - x, -1.0)
    order = np.argsort(-key, axis=1, kind="stable")
    add = np.zeros((n, m), dtype=bool)
    np.put_along_axis(add, order, np.arange(m)[None, :] < short[:, None], axis=1)
    return (x + (add & (x < room))).astype(np.int64)


def _total_ranges(defn: Instrument, cfg: Synthesis, latent: Mapping[str, Any],
                  n: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Per-patient (lo, hi) arrays for each level, shape (n, levels), and the level count."""
    if cfg.totals_by_context:
        key = str(cfg.context)
        if key not in latent:
            raise SynthesisError(defn.id, f"needs latent[{key!r}] (str array)")
        values = np.broadcast_to(np.asarray(latent[key]).astype(str), (n,))
        default = np.asarray(cfg.totals_by_context[str(cfg.context_default)], dtype=np.int64)
        lo = np.repeat(default[None, :, 0], n, axis=0)
        hi = np.repeat(default[None, :, 1], n, axis=0)
        for name, ranges in cfg.totals_by_context.items():
            table = np.asarray(ranges, dtype=np.int64)
            mask = values == name
            lo[mask], hi[mask] = table[:, 0], table[:, 1]
        return lo, hi, default.shape[0]
    table = np.asarray(cfg.totals_by_level or [(b.min, b.max) for b in defn.bands], dtype=np.int64)
    return (np.repeat(table[None, :, 0], n, axis=0), np.repeat(table[None, :, 1], n, axis=0),
            table.shape[0])


def positive_from_level(instrument_id: str, context: str | None = None) -> int:
    """The lowest latent level whose synthesized answers screen positive; every higher level
    does too and no lower one does (the rule :mod:`sim.cases` checks a case's answers with).

    Args:
        instrument_id: a ``band`` instrument with a positive rule (``hits``, ``auditc``).
        context: the context value that picks the totals and the cut-off (``"female"`` or
            ``"male"`` for AUDIT-C); None for the instrument's default.

    Raises:
        SynthesisError: the instrument has no such rule, or a level's totals straddle the cut-off.
    """
    defn = get(instrument_id)
    cfg = _config(defn)
    if cfg.method != "band" or defn.positive is None:
        raise SynthesisError(defn.id, "has no positive screen synthesized by latent level")
    name = context if context is not None else cfg.context_default
    if cfg.totals_by_context:
        ranges = cfg.totals_by_context.get(str(name), cfg.totals_by_context[str(cfg.context_default)])
    else:
        ranges = cfg.totals_by_level or [(b.min, b.max) for b in defn.bands]
    cut = defn.positive.threshold({defn.positive.context: name} if defn.positive.context else {})
    positive = [low >= cut for low, _ in ranges]
    if any(low < cut <= high for low, high in ranges) or positive != sorted(positive):
        raise SynthesisError(defn.id, f"totals by level {ranges} do not split at the cut-off {cut}")
    return positive.index(True) if any(positive) else len(ranges)


def _band_totals(defn: Instrument, cfg: Synthesis, levels: np.ndarray, lo: np.ndarray,
                 hi: np.ndarray, u_level: np.ndarray, u_pos: np.ndarray) -> np.ndarray:
    count = lo.shape[1]
    level = levels.copy()
    hidden = (level > 0) & (u_level < cfg.nondisclosure)
    level[hidden] = 0
    shifted = ~hidden
    half = cfg.spill / 2
    down = shifted & (level > 0) & (u_level >= cfg.nondisclosure) & (u_level < cfg.nondisclosure + half)
    up = shifted & (level < count - 1) & (u_level >= 1.0 - half)
    level = level - down + up
    rows = np.arange(levels.shape[0])
    low, high = lo[rows, level], hi[rows, level]
    return np.minimum(low + np.floor(u_pos * (high - low + 1)).astype(np.int64), high)


def _band(defn: Instrument, cfg: Synthesis, latent: Mapping[str, Any], u: np.ndarray) -> np.ndarray:
    n, m = u.shape[0], len(defn.items)
    lo, hi, count = _total_ranges(defn, cfg, latent, n)
    levels = _levels(defn, latent, str(cfg.latent), n, count - 1)
    total = _band_totals(defn, cfg, levels, lo, hi, u[:, 0], u[:, 1])
    return _items_for_totals(defn, cfg, latent, total, u[:, 2:2 + m])


def _items_for_totals(defn: Instrument, cfg: Synthesis, latent: Mapping[str, Any],
                      total: np.ndarray, u_items: np.ndarray) -> np.ndarray:
    n, m = u_items.shape
    ids = [i.id for i in defn.items]
    low = np.array([i.min_points for i in defn.items], dtype=np.int64)
    high = np.array([i.max_points for i in defn.items], dtype=np.int64)
    x = np.repeat(low[None, :], n, axis=0)
    free = np.ones(m, dtype=bool)
    for driven in cfg.driven:
        j = ids.index(driven.item)
        table = np.asarray(driven.points_by_level, dtype=np.int64)
        level = _levels(defn, latent, driven.latent, n, len(table) - 1)
        points = table[level]
        lower = (u_items[:, j] < driven.lower_by_one) & (points > 1)
        x[:, j] = np.clip(points - lower, low[j], high[j])
        free[j] = False
    for item_id in cfg.nonzero_if_any:
        j = ids.index(item_id)
        x[:, j] = np.where(total > low.sum(), np.maximum(x[:, j], min(1, high[j])), x[:, j])
    room = np.where(free[None, :], high[None, :] - x, 0)
    extra = np.clip(total - x.sum(axis=1), 0, room.sum(axis=1))
    weights = np.asarray(cfg.item_weights or [1.0] * m, dtype=float)
    x += _allocate(extra, weights[None, :] * (0.3 + u_items), room)
    return x


def _dependencies(defn: Instrument, cfg: Synthesis, latent: Mapping[str, Any],
                  u: np.ndarray) -> np.ndarray:
    n, m = u.shape
    count = _levels(defn, latent, str(cfg.latent), n, m)
    order = np.asarray(cfg.item_weights or range(m), dtype=float)
    key = order[None, :] + cfg.hierarchy_spread * u
    rank = np.argsort(np.argsort(key, axis=1, kind="stable"), axis=1, kind="stable")
    dependent = rank < count[:, None]
    low = np.array([i.min_points for i in defn.items], dtype=np.int64)
    high = np.array([i.max_points for i in defn.items], dtype=np.int64)
    return np.where(dependent, low[None, :], high[None, :])


def _option_index(defn: Instrument, item_id: str, option_id: str) -> int:
    return [o.id for o in defn.item_named(item_id).options].index(option_id)


def _ahc(defn: Instrument, cfg: Synthesis, latent: Mapping[str, Any], u: np.ndarray) -> np.ndarray:
    n = u.shape[0]
    safety_key = "need_domestic_violence" if "need_domestic_violence" in latent else "ipv"
    keys = [*_AHC_NEEDS[:4], safety_key]
    need = np.stack([_levels(defn, latent, k, n, 3) for k in keys], axis=1)
    # Safety is answered honestly, as on the HITS (the same four questions): a patient must not
    # screen positive on one and negative on the other. The social needs may go undisclosed.
    need[:, :4] = np.where(u[:, 0:4] < cfg.nondisclosure, 0, need[:, :4])
    housing, food, transport, utilities, safety = need.T
    out = np.zeros((n, 10), dtype=np.int64)
    idx = partial(_option_index, defn)
    worried, unsteady = idx("q1", "worried"), idx("q1", "no_steady_place")
    out[:, 0] = np.select([housing == 0, housing == 1, housing == 3],
                          [idx("q1", "steady"), worried, unsteady],
                          np.where(u[:, 5] < 0.5, worried, unsteady))
    problems = [k for k, o in enumerate(defn.item_named("q2").options) if not o.exclusive]
    p_quality = cfg.params.get("quality_problem_given_housing_need", 0.5)
    has_problem = (housing > 0) & (u[:, 6] < p_quality)
    pick = np.minimum((u[:, 6] / max(p_quality, 1e-9) * len(problems)).astype(np.int64), len(problems) - 1)
    out[:, 1] = np.where(has_problem, np.asarray(problems)[pick], idx("q2", "none"))
    for col, uc in ((2, 7), (3, 8)):
        often = u[:, uc] < food / 4.0
        out[:, col] = np.where(food == 0, idx(f"q{col + 1}", "never"),
                               np.where(often, idx(f"q{col + 1}", "often"), idx(f"q{col + 1}", "sometimes")))
    out[:, 4] = np.where(transport > 0, idx("q5", "yes"), idx("q5", "no"))
    shut = (utilities == 3) & (u[:, 9] < 0.5)
    out[:, 5] = np.where(utilities == 0, idx("q6", "no"),
                         np.where(shut, idx("q6", "already_shut_off"), idx("q6", "yes")))
    table = np.asarray(cfg.totals_by_level, dtype=np.int64)
    lo, hi = table[safety, 0], table[safety, 1]
    total = np.minimum(lo + np.floor(u[:, 10] * (hi - lo + 1)).astype(np.int64), hi)
    safety_items = [defn.item_named(f"q{k}") for k in range(7, 11)]
    low = np.array([i.min_points for i in safety_items], dtype=np.int64)
    high = np.array([i.max_points for i in safety_items], dtype=np.int64)
    weights = np.asarray(cfg.item_weights or [1.0] * 4, dtype=float)
    room = np.repeat((high - low)[None, :], n, axis=0)
    points = low[None, :] + _allocate(total - low.sum(), weights[None, :] * (0.3 + u[:, 11:15]), room)
    for k, item in enumerate(safety_items):
        by_points = {o.points: j for j, o in enumerate(item.options)}
        lookup = np.zeros(max(by_points) + 1, dtype=np.int64)
        for p, j in by_points.items():
            lookup[p] = j
        out[:, 6 + k] = lookup[points[:, k]]
    return out


def _cssrs(defn: Instrument, cfg: Synthesis, latent: Mapping[str, Any], u: np.ndarray) -> np.ndarray:
    n = u.shape[0]
    level = _levels(defn, latent, str(cfg.latent), n, 3)
    p = cfg.params
    out = np.full((n, 7), -1, dtype=np.int64)
    ideation = level >= 2
    out[:, 0] = np.where(level == 0, 0, np.where(level == 2, u[:, 0] < p.get("q1_given_active", 0.9), 1))
    out[:, 1] = ideation
    method = np.where(level == 3, True, u[:, 2] < p.get("method_given_ideation", 0.45))
    intent = (level == 3) & (u[:, 3] < p.get("intent_given_level3", 0.6))
    plan = (level == 3) & (u[:, 4] < p.get("plan_given_level3", 0.4))
    out[:, 2] = np.where(ideation, method, -1)
    out[:, 3] = np.where(ideation, intent, -1)
    out[:, 4] = np.where(ideation, plan, -1)
    recent = (level == 3) & ((u[:, 5] < p.get("recent_behaviour_given_level3", 0.3)) | ~(intent | plan))
    old = (level == 2) & (u[:, 5] < p.get("old_behaviour_given_ideation", 0.2))
    out[:, 5] = recent | old
    recency = [o.id for o in defn.recency_options]
    month, three, lifetime = (recency.index(r) for r in ("past_month", "past_3_months", "lifetime"))
    out[:, 6] = np.where(recent, np.where(u[:, 6] < 0.5, month, three), np.where(old, lifetime, -1))
    return out


def ahc_answers(row: Any) -> dict[str, str]:
    """The ``{question id: option id}`` mapping :func:`score` takes, from one synthesized
    ``ahc_hrsn`` row of 10 option indices (q1..q10)."""
    defn = get("ahc_hrsn")
    values = [int(v) for v in row]
    if len(values) != len(defn.items):
        raise SynthesisError(defn.id, f"a row has {len(defn.items)} option indices, got {len(values)}")
    answers = {}
    for item, k in zip(defn.items, values, strict=False):
        if not 0 <= k < len(item.options):
            raise SynthesisError(defn.id, f"{item.id}: option index {k} out of 0-{len(item.options) - 1}")
        answers[item.id] = item.options[k].id
    return answers


def cssrs_answers(row: Any) -> dict[str, str]:
    """The mapping :func:`score` takes (``"yes"``/``"no"`` per asked question, plus ``"recency"``
    when q6 is yes), from one synthesized ``cssrs_screener`` row of 7 ints."""
    defn = get("cssrs_screener")
    values = [int(v) for v in row]
    if len(values) != len(defn.items) + 1:
        raise SynthesisError(defn.id, f"a row has {len(defn.items) + 1} values, got {len(values)}")
    answers = {item.id: ("yes" if v == 1 else "no") for item, v in zip(defn.items, values, strict=False) if v >= 0}
    if values[-1] >= 0:
        answers["recency"] = defn.recency_options[values[-1]].id
    return answers


def latent_from_patient(patient: Patient) -> dict[str, np.ndarray]:
    """Latent arrays (length 1) for one patient: its latent state, need severities and sex."""
    latent = {k: np.array([v]) for k, v in patient.latent.model_dump().items()}
    for key in _AHC_NEEDS:
        need = patient.profile.need(key.removeprefix("need_"))
        latent[key] = np.array([need.severity if need else 0])
    latent["sex"] = np.array([patient.identity.sex])
    return latent


def _patient_rng(patient: Patient, instrument_id: str, seed: int) -> np.random.Generator:
    entropy = [patient.seed & 0xFFFFFFFFFFFFFFFF, seed & 0xFFFFFFFFFFFFFFFF,
               zlib.crc32(instrument_id.encode())]
    return np.random.default_rng(np.random.SeedSequence(entropy))


def respond(patient: Patient, instrument_id: str, seed: int = 0) -> Any:
    """How one synthetic patient answers an instrument, in the form :func:`score` takes.

    Item points (``list[int]``) for item-scored instruments; ``{question: option id}`` for
    ``ahc_hrsn``; ``{question: "yes"/"no", "recency": ...}`` for ``cssrs_screener``; for
    ``lace`` the chart values (``los_days``, ``emergent``, ``charlson``, ``ed_visits``). The
    patient's own seed, ``seed`` and the instrument id decide the answers.
    """
    defn = get(instrument_id)
    if defn.kind == "lace":
        medical = patient.medical
        return {"los_days": medical.length_of_stay_days, "emergent": medical.admission_type == "emergent",
                "charlson": medical.charlson_index, "ed_visits": medical.ed_visits_6mo}
    named = _named_dependencies(patient, defn)
    if named is not None:
        return named
    u = _patient_rng(patient, instrument_id, seed).random((1, synth_width(instrument_id)))
    row = synthesize(instrument_id, latent_from_patient(patient), u)[0]
    if defn.kind == "ahc_hrsn":
        return ahc_answers(row)
    if defn.kind == "cssrs":
        return cssrs_answers(row)
    return [int(v) for v in row]


def _named_dependencies(patient: Patient, defn: Instrument) -> list[int] | None:
    """Katz/Lawton points from the chart's named dependencies when they agree with the latent
    count (so the form and the chart tell the same story); else None."""
    if defn.synthesis is None or defn.synthesis.method != "dependencies":
        return None
    status = patient.medical.functional_status
    names = status.adl_dependent if defn.synthesis.latent == "adl_dependencies" else status.iadl_dependent
    count = getattr(patient.latent, str(defn.synthesis.latent))
    ids = [i.id for i in defn.items]
    if len(set(names)) != count or not set(names) <= set(ids):
        return None
    return [i.min_points if i.id in names else i.max_points for i in defn.items]


def patient_context(patient: Patient, instrument_id: str) -> dict[str, str]:
    """Keywords :func:`score` needs for this patient (AUDIT-C: sex; other sexes use the
    synthesis ``context_default``, the lower, more sensitive cut-off)."""
    defn = get(instrument_id)
    context: dict[str, str] = {}
    if "sex" in defn.context:
        sex = patient.identity.sex
        fallback = defn.synthesis.context_default if defn.synthesis else None
        context["sex"] = sex if sex in defn.context["sex"] else str(fallback or defn.context["sex"][0])
    return context


def score_patient(patient: Patient, instrument_id: str, seed: int = 0) -> ScoreResult:
    """Score what :func:`respond` gives for this patient, with the context the instrument needs."""
    answers = respond(patient, instrument_id, seed)
    if get(instrument_id).kind == "lace":
        return score(instrument_id, **answers)
    return score(instrument_id, answers, **patient_context(patient, instrument_id))
