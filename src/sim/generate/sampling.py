"""Vectorized draws from given uniforms: categorical, normal (inverse CDF), lognormal, Poisson.

Every function takes its uniforms as an argument, so that the caller decides which counter-based
stream feeds which draw (see :mod:`sim.generate.rng`).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

import numpy as np

K = TypeVar("K")


def categorical(u: np.ndarray, weights: Sequence[float] | np.ndarray) -> np.ndarray:
    """Index drawn per row. ``weights``: shape (k,) shared, or (n, k) one row of weights per draw.

    Rows whose weights are all zero get index -1.
    """
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim == 1:
        cum = np.cumsum(w)
        total = cum[-1]
        if total <= 0:
            return np.full(len(u), -1, dtype=np.int64)
        idx = np.searchsorted(cum, u * total, side="right")
        return np.minimum(idx, len(w) - 1).astype(np.int64)
    cum = np.cumsum(w, axis=1)
    total = cum[:, -1]
    idx = (cum <= (u * total)[:, None]).sum(axis=1)
    idx = np.minimum(idx, w.shape[1] - 1)
    # skip zero-weight categories that a boundary draw could land on
    zero = w[np.arange(len(u)), idx] <= 0
    if zero.any():
        for row in np.flatnonzero(zero):
            nz = np.flatnonzero(w[row] > 0)
            idx[row] = nz[np.searchsorted(nz, idx[row]) % len(nz)] if len(nz) else -1
    idx[total <= 0] = -1
    return idx.astype(np.int64)


def weights_of(table: Mapping[K, float], keys: Sequence[K]) -> np.ndarray:
    """Weights of ``keys`` in order (0 for a key the table does not name)."""
    return np.array([float(table.get(k, 0.0)) for k in keys], dtype=np.float64)


# Acklam's rational approximation of the inverse standard normal CDF (relative error < 1.2e-9).
_A = (-3.969683028665376e01, 2.209460984245205e02, -2.759285104469687e02, 1.383577518672690e02,
      -3.066479806614716e01, 2.506628277459239e00)
_B = (-5.447609879822406e01, 1.615858368580409e02, -1.556989798598866e02, 6.680131188771972e01,
      -1.328068155288572e01)
_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e00, -2.549732539343734e00,
      4.374664141464968e00, 2.938163982698783e00)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e00, 3.754408661907416e00)
_P_LOW = 0.02425


def norm_ppf(p: np.ndarray) -> np.ndarray:
    """Inverse of the standard normal CDF for p in (0, 1)."""
    p = np.clip(np.asarray(p, dtype=np.float64), 1e-300, 1 - 1e-16)
    out = np.empty_like(p)
    lo = p < _P_LOW
    hi = p > 1 - _P_LOW
    mid = ~(lo | hi)
    q = p[mid] - 0.5
    r = q * q
    out[mid] = ((((((_A[0] * r + _A[1]) * r + _A[2]) * r + _A[3]) * r + _A[4]) * r + _A[5]) * q /
                (((((_B[0] * r + _B[1]) * r + _B[2]) * r + _B[3]) * r + _B[4]) * r + 1))
    for mask, sign in ((lo, 1.0), (hi, -1.0)):
        if mask.any():
            pp = p[mask] if sign > 0 else 1 - p[mask]
            q = np.sqrt(-2 * np.log(pp))
            out[mask] = sign * ((((((_C[0] * q + _C[1]) * q + _C[2]) * q + _C[3]) * q + _C[4]) * q + _C[5]) /
                                ((((_D[0] * q + _D[1]) * q + _D[2]) * q + _D[3]) * q + 1))
    return out


def norm_cdf(x: np.ndarray) -> np.ndarray:
    """Standard normal CDF (Abramowitz and Stegun 7.1.26 erf, absolute error < 1.5e-7)."""
    x = np.asarray(x, dtype=np.float64)
    z = np.abs(x) / np.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * z)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    erf = 1.0 - poly * np.exp(-z * z)
    return 0.5 * (1.0 + np.sign(x) * erf)


def truncated_lognormal(u: np.ndarray, median: np.ndarray | float, sigma: np.ndarray | float,
                        low: float | None = None, high: float | None = None) -> np.ndarray:
    """Lognormal draws by inverse CDF, optionally restricted to [low, high)."""
    mu = np.log(np.asarray(median, dtype=np.float64))
    sigma = np.asarray(sigma, dtype=np.float64)
    a = norm_cdf((np.log(low) - mu) / sigma) if low is not None and low > 0 else 0.0
    b = norm_cdf((np.log(high) - mu) / sigma) if high is not None else 1.0
    p = a + u * (b - a)
    return np.exp(mu + sigma * norm_ppf(np.clip(p, 1e-12, 1 - 1e-12)))


def poisson(u: np.ndarray, mean: np.ndarray, cap: int = 50) -> np.ndarray:
    """Poisson draws by inverse CDF (counts above ``cap`` are cut at ``cap``)."""
    mean = np.broadcast_to(np.asarray(mean, dtype=np.float64), u.shape)
    k = np.zeros(u.shape, dtype=np.int64)
    pmf = np.exp(-mean)
    cdf = pmf.copy()
    for i in range(1, cap + 1):
        more = u >= cdf
        if not more.any():
            break
        k += more
        pmf = pmf * mean / i
        cdf = cdf + pmf
    return k
