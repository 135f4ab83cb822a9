"""SMART goal templates for the reference plan (``sim/data/goal_templates.yaml``), validated."""
from __future__ import annotations

from pydantic import Field, model_validator

from sim.model.base import TableModel
from sim.model.taxonomy import need_domains
from sim.tables import cached_table


class GoalTemplate(TableModel):
    description: str
    measure: str


class GoalTemplates(TableModel):
    source: str
    days_by_severity: list[int] = Field(min_length=3, max_length=3)
    domains: dict[str, GoalTemplate]

    @model_validator(mode="after")
    def _all_domains(self) -> GoalTemplates:
        if set(self.domains) != set(need_domains()):
            raise ValueError("goal_templates must give a template for every need domain")
        return self


goal_templates = cached_table("goal_templates.yaml", GoalTemplates, "The validated goal templates (cached).")
