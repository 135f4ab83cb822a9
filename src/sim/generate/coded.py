"""Cohort columns: numpy arrays, and text with few distinct values as integer codes (:class:`Coded`)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Coded:
    """A text column as integer codes into fixed categories (a pandas Categorical; -1 is missing)."""

    codes: np.ndarray
    categories: np.ndarray

    def values(self) -> np.ndarray:
        out = self.categories[np.maximum(self.codes, 0)].astype(object)
        out[self.codes < 0] = None
        return out


# A cohort column: numbers (or object arrays) as numpy arrays, text with few distinct values coded.
Column = np.ndarray | Coded


def merge_coded(parts: list[Coded]) -> Coded:
    """Concatenate coded columns, merging their categories when chunks differ."""
    first = parts[0].categories
    if all(len(p.categories) == len(first) and (p.categories == first).all() for p in parts):
        return Coded(np.concatenate([p.codes for p in parts]), first)
    union = list(dict.fromkeys(str(c) for p in parts for c in p.categories))
    index = {c: i for i, c in enumerate(union)}
    codes = []
    for p in parts:
        remap = np.array([index[str(c)] for c in p.categories], dtype=np.int64)
        codes.append(np.where(p.codes >= 0, remap[np.maximum(p.codes, 0)], -1))
    return Coded(np.concatenate(codes), np.array(union, dtype=object))


def coded(codes: np.ndarray, names: list[str] | tuple[str, ...] | np.ndarray) -> Coded:
    """Codes into ``names``; duplicate names are merged so categories stay unique."""
    names = [str(x) for x in names]
    unique = list(dict.fromkeys(names))
    if len(unique) == len(names):
        return Coded(np.asarray(codes, dtype=np.int64), np.array(names, dtype=object))
    remap = np.array([unique.index(x) for x in names], dtype=np.int64)
    return Coded(np.where(codes >= 0, remap[np.maximum(codes, 0)], -1), np.array(unique, dtype=object))
