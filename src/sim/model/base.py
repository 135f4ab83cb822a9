"""The pydantic base classes every part of the package uses: :class:`Model` (no unknown field),
:class:`FrozenModel` (also frozen: a value that is never changed once made) and :class:`TableModel`
(a frozen model of a data table read once and shared)."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    """A strict model: a field it does not define is an error, naming the field."""

    model_config = ConfigDict(extra="forbid")


class FrozenModel(Model):
    """A strict model that cannot be changed once made (a result, a set of limits)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class TableModel(FrozenModel):
    """A model of a shipped data table: strict and frozen."""
