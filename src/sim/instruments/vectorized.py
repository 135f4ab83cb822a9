"""Scoring of many synthesized rows at once (cohorts, population analysis), same rules as
:func:`sim.instruments.score`, read from the same data files.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from sim.instruments.definition import Condition, Instrument, get
from sim.instruments.errors import ContextError, SynthesisError


def score_arrays(instrument_id: str, rows: np.ndarray, **context: Any) -> dict[str, np.ndarray]:
    """Score an array of synthesized rows (the output of :func:`synthesize`).

    Returns arrays of length n: ``total`` (item-scored), ``band`` (labels, None where the
    instrument has no bands), ``positive`` (bool), ``flag_<id>`` per flag, ``domain_<id>`` per
    AHC HRSN domain, ``risk`` (C-SSRS level). AUDIT-C needs ``sex=`` as a str or an array of
    "female"/"male".
    """
    defn = get(instrument_id)
    rows = np.asarray(rows)
    if defn.kind == "lace":
        raise SynthesisError(defn.id, "is scored from the chart; use lace(...) per patient")
    width = len(defn.items) + (1 if defn.kind == "cssrs" else 0)
    if rows.ndim != 2 or rows.shape[1] != width:
        raise SynthesisError(defn.id, f"needs rows of shape (n, {width}), got {rows.shape}")
    n = rows.shape[0]
    index, points = _option_indices(defn, rows)
    recency = None
    if defn.kind == "cssrs":
        ids = np.array([o.id for o in defn.recency_options] + [None], dtype=object)
        recency = ids[rows[:, -1]]
    out: dict[str, np.ndarray] = {}
    total = points.sum(axis=1) if defn.kind == "summed" else None
    if total is not None:
        out["total"] = total
        out["band"] = _bands(defn, total)
    for flag in defn.flags:
        out[f"flag_{flag.id}"] = _holds(defn, flag.when, index, points, total, recency)
    if defn.positive is not None and total is not None:
        out["positive"] = total >= _thresholds(defn, n, context)
    if defn.domains:
        hits = []
        for rule in defn.domains:
            hit = np.zeros(n, dtype=bool)
            for cond in rule.any_of:
                hit |= _holds(defn, cond, index, points, total, recency)
            out[f"domain_{rule.id}"] = hit
            hits.append(hit)
        out["positive"] = np.any(hits, axis=0)
    if defn.risk_levels:
        risk = np.full(n, defn.default_risk, dtype=object)
        decided = np.zeros(n, dtype=bool)
        for level in defn.risk_levels:
            hit = np.zeros(n, dtype=bool)
            for cond in level.any_of:
                hit |= _holds(defn, cond, index, points, total, recency)
            risk[hit & ~decided] = level.level
            decided |= hit
        out["risk"] = risk
        out["band"] = risk
        out["positive"] = decided
    return out


def _option_indices(defn: Instrument, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Option index (-1 = not asked) and points per item, each (n, items)."""
    n, m = rows.shape[0], len(defn.items)
    index = np.full((n, m), -1, dtype=np.int64)
    points = np.zeros((n, m), dtype=np.int64)
    for j, item in enumerate(defn.items):
        col = rows[:, j].astype(np.int64)
        option_points = np.array([o.points for o in item.options], dtype=np.int64)
        if defn.kind == "summed":
            lookup = {int(p): k for k, p in reversed(list(enumerate(option_points)))}
            table = np.full(int(option_points.max()) + 1, -1, dtype=np.int64)
            for p, k in lookup.items():
                table[p] = k
            index[:, j] = table[np.clip(col, 0, len(table) - 1)]
        elif defn.kind == "cssrs":
            ids = [o.id for o in item.options]
            index[:, j] = np.select([col == 1, col == 0], [ids.index("yes"), ids.index("no")], -1)
        else:
            index[:, j] = col
        asked = index[:, j] >= 0
        points[asked, j] = option_points[index[asked, j]]
    return index, points


def _bands(defn: Instrument, total: np.ndarray) -> np.ndarray:
    if not defn.bands:
        return np.full(total.shape[0], None, dtype=object)
    labels = np.array([b.label for b in defn.bands], dtype=object)
    uppers = np.array([b.max for b in defn.bands[:-1]])
    return labels[np.searchsorted(uppers, total, side="left")]


def _thresholds(defn: Instrument, n: int, context: dict[str, Any]) -> np.ndarray:
    rule = defn.positive
    assert rule is not None
    if not rule.context:
        return np.full(n, rule.min_total)
    if rule.context not in context:
        raise ContextError(defn.id, f"needs {rule.context}= (a str or an array of "
                           f"{'/'.join(rule.min_total_by_context)})")
    values = np.broadcast_to(np.asarray(context[rule.context]).astype(str), (n,))
    unknown = set(np.unique(values)) - set(rule.min_total_by_context)
    if unknown:
        raise ContextError(defn.id, f"{rule.context} values {sorted(unknown)} not allowed; "
                           f"allowed: {', '.join(rule.min_total_by_context)}")
    out = np.zeros(n, dtype=np.int64)
    for name, cut in rule.min_total_by_context.items():
        out[values == name] = cut
    return out


def _holds(defn: Instrument, cond: Condition, index: np.ndarray, points: np.ndarray,
           total: np.ndarray | None, recency: np.ndarray | None) -> np.ndarray:
    n = index.shape[0]
    ids = [i.id for i in defn.items]
    hit = np.ones(n, dtype=bool)
    if cond.item is not None:
        j = ids.index(cond.item)
        item = defn.items[j]
        hit &= index[:, j] >= 0
        if cond.min_points is not None:
            hit &= points[:, j] >= cond.min_points
        if cond.options:
            wanted = [k for k, o in enumerate(item.options) if o.id in cond.options]
            hit &= np.isin(index[:, j], wanted)
        if cond.not_options:
            unwanted = [k for k, o in enumerate(item.options) if o.id in cond.not_options]
            hit &= ~np.isin(index[:, j], unwanted)
    elif cond.items:
        cols = [ids.index(i) for i in cond.items]
        if cond.min_points is not None:
            hit &= points[:, cols].sum(axis=1) >= cond.min_points
        if cond.product_below is not None:
            hit &= (index[:, cols] >= 0).all(axis=1) & (points[:, cols].prod(axis=1) < cond.product_below)
    if cond.min_total is not None:
        hit &= total is not None and total >= cond.min_total
    if cond.recency:
        hit &= np.isin(recency if recency is not None else np.full(n, None, dtype=object),
                       np.array(cond.recency, dtype=object))
    return hit
