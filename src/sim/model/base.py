"""The pydantic base classes every part of the package uses: :class:`Model` (no unknown field) and
:class:`TableModel` (also frozen: a data table read once and shared)."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Model(BaseModel):
    """A strict model: a field it does not define is an error, naming the field."""

    model_config = ConfigDict(extra="forbid")


class TableModel(Model):
    """A model of a shipped data table: strict and frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)
