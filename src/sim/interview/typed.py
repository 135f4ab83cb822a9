"""Turn the reading of a typed question into a :class:`~sim.interview.bank.Question` the reply
logic can answer, as if the student had picked a bank question of that domain and style."""
from __future__ import annotations

from functools import lru_cache

from sim.interview.bank import Question, question_bank
from sim.interview.classifier import Classification
from sim.interview.features import normalize


@lru_cache(maxsize=1)
def _bank_overrides() -> dict[tuple[str, str], bool]:
    """(domain, style) -> ``discloses`` where every bank question of that pair overrides its style
    the same way (the direct suicide question: closed, yet it is how disclosure is invited)."""
    seen: dict[tuple[str, str], set[bool | None]] = {}
    for q in question_bank().values():
        seen.setdefault((q.domain, q.style), set()).add(q.discloses)
    out: dict[tuple[str, str], bool] = {}
    for pair, values in seen.items():
        value = values.pop() if len(values) == 1 else None
        if value is not None:
            out[pair] = value
    return out


def typed_question(reading: Classification) -> Question:
    """The question a reading stands for; a double-barrelled one stands for its second half.

    Its id is ``typed:<the words, normalized>``, so asking the same words twice is a repeat.
    """
    domain = reading.domains[-1]
    return Question.model_validate({"id": "typed:" + normalize(reading.text), "domain": domain,
                                    "style": reading.style, "text": reading.text,
                                    "discloses": _bank_overrides().get((domain, reading.style))})
