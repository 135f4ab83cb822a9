"""Names of plan codes in words: discharge dispositions and critical or legal actions.

The words, when each action is called for and its public source are the data file
``sim/data/lesson_labels.yaml``; every disposition and action of :mod:`sim.model.taxonomy` must have one.
Eligibility of the dispositions (SNF, IRF, hospice, LTACH, ...) is a set of rules in
``interventions.yaml`` (:func:`sim.practice.interventions.contraindications`).

    >>> from sim.practice.dispositions import label
    >>> label("rehabilitation")
    'inpatient rehabilitation facility (IRF)'
"""
from __future__ import annotations

from pydantic import model_validator

from sim.errors import SimValueError
from sim.model.base import Model
from sim.model.taxonomy import ACTIONS, DISPOSITIONS
from sim.tables import cached_table


class ActionLabel(Model):
    """How a critical action is shown: a label, when it is called for, and the source."""
    label: str
    why: str
    source: str
    state_law: bool = False


class LessonLabels(Model):
    """The data file ``lesson_labels.yaml``."""
    synthetic: bool = True
    actions: dict[str, ActionLabel]
    dispositions: dict[str, str]

    @model_validator(mode="after")
    def _complete(self) -> LessonLabels:
        for kind, table, names in (("actions", self.actions, ACTIONS),
                                   ("dispositions", self.dispositions, DISPOSITIONS)):
            missing = sorted(set(names) - set(table))
            unknown = sorted(set(table) - set(names))
            if missing or unknown:
                raise SimValueError(f"lesson_labels.yaml {kind}: missing {missing}, unknown {unknown}; "
                                    f"allowed: {list(names)}")
        return self


labels = cached_table("lesson_labels.yaml", LessonLabels, "The validated labels table (cached); every action "
                      "and disposition of sim.model.taxonomy has a label.")


def label(disposition: str) -> str:
    """A disposition id in words, lower case after the first word (for a sentence)."""
    text = labels().dispositions.get(disposition, disposition.replace("_", " "))
    return text[:1].lower() + text[1:] if not text[:4].isupper() else text


def is_state_law(action: str) -> bool:
    """Whether the action's rule is set by each state (the feedback then names the state)."""
    found = labels().actions.get(action)
    return bool(found and found.state_law)


def action_label(action: str) -> str:
    """An action id in words (lower case, for a sentence)."""
    found = labels().actions.get(action)
    return found.label[:1].lower() + found.label[1:] if found is not None else action.replace("_", " ")
