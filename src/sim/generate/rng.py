"""Counter-based randomness: every uniform is a hash of (patient seed, stream, index).

A patient's numbers depend only on its own seed, never on its position in a batch, so a cohort
generated in one vectorized pass equals its patients generated one by one. The hash is
splitmix64 (Steele, Lea and Flood 2014), computed with numpy uint64 arithmetic (wrapping).
"""
from __future__ import annotations

import hashlib
from functools import cache

import numpy as np

from sim.errors import SimValueError
from sim.seeds import check_seed

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)
_INV53 = 1.0 / 9007199254740992.0  # 2**-53
_INV32 = 1.0 / 4294967296.0  # 2**-32
_S32 = np.uint64(32)
_LOW32 = np.uint64(0xFFFFFFFF)


def splitmix64(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finalizer applied elementwise to a uint64 array (returns a new array)."""
    z = np.add(x, _GOLDEN)
    t = np.empty_like(z)
    for shift, mult in ((_S30, _M1), (_S27, _M2)):
        np.right_shift(z, shift, out=t)
        np.bitwise_xor(z, t, out=z)
        np.multiply(z, mult, out=z)
    np.right_shift(z, _S31, out=t)
    np.bitwise_xor(z, t, out=z)
    return z


def derived_seeds(seed: int, start: int, stop: int) -> np.ndarray:
    """Seeds of patients ``start..stop-1`` of the cohort with ``seed`` (int64 array, all >= 0)."""
    base = splitmix64(np.array([check_seed(seed)], dtype=np.uint64))[0]
    idx = np.arange(start, stop, dtype=np.uint64)
    return (splitmix64(idx * _GOLDEN ^ base) >> np.uint64(1)).astype(np.int64)


def derived_seed(seed: int, i: int) -> int:
    """The seed of patient ``i`` (0-based) of the cohort generated with ``seed``.

    ``cohort(n, seed)`` row ``i`` equals ``generate_patient(derived_seed(seed, i))``.
    """
    if isinstance(i, bool) or not isinstance(i, (int, np.integer)) or i < 0:
        raise SimValueError(f"patient index {i!r} is not allowed; use a whole number 0 or more")
    return int(derived_seeds(seed, int(i), int(i) + 1)[0])


@cache
def _stream_constant(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")


class Streams:
    """Named streams of uniforms for an array of patient seeds.

    ``streams.u("age")`` gives one uniform in [0, 1) per patient; ``streams.u("phq9", 9)`` an
    (n, 9) array. Each stream name must be used once per patient draw, so that adding a stream
    never shifts the numbers of another.
    """

    def __init__(self, seeds: np.ndarray) -> None:
        self.keys = splitmix64(np.asarray(seeds, dtype=np.int64).astype(np.uint64))
        self.n = len(self.keys)

    def bits(self, name: str, width: int | None = None) -> np.ndarray:
        """Raw 64-bit hashes for stream ``name``: shape (n,) or (n, width)."""
        const = _stream_constant(name)
        if width is None:
            return splitmix64(self.keys ^ np.uint64(const))
        cols = splitmix64(np.uint64(const) + np.arange(width, dtype=np.uint64) * _GOLDEN)
        return splitmix64(self.keys[:, None] ^ cols[None, :])

    def u(self, name: str, width: int | None = None) -> np.ndarray:
        """Uniforms in [0, 1) for stream ``name``: shape (n,) or (n, width).

        A single column uses 53 bits of one hash; a matrix splits each 64-bit hash into two
        32-bit uniforms (resolution 2**-32), half the hashing for the same numbers.
        """
        if width is None:
            z = self.bits(name)
            np.right_shift(z, _S11, out=z)
            out = z.astype(np.float64)
            out *= _INV53
            return out
        z = self.bits(name, (width + 1) // 2)
        out = np.empty((self.n, 2 * z.shape[1]), dtype=np.float64)
        out[:, : z.shape[1]] = (z >> _S32).astype(np.uint32)
        out[:, z.shape[1]:] = (z & _LOW32).astype(np.uint32)
        out *= _INV32
        return out[:, :width]

    def u_open(self, name: str) -> np.ndarray:
        """Uniforms in (0, 1), never exactly 0 (for logarithms and inverse CDFs)."""
        z = self.bits(name)
        np.right_shift(z, _S11, out=z)
        out = z.astype(np.float64)
        out += 0.5
        out *= _INV53
        return out

    def index(self, name: str, size: int) -> np.ndarray:
        """Uniform integers in 0..size-1 (int64) for stream ``name``."""
        return (self.u(name) * size).astype(np.int64)
