"""Read a typed interview question: which need domain it is about and which style it has.

    >>> from sim.interview import classify
    >>> reading = classify("Do you have somewhere safe to sleep tonight?")
    >>> reading.domain, reading.style, reading.description
    ('housing_instability', 'closed', 'a closed question about housing')

Two small logistic regressions over hashed word, word-pair and character features plus style
cues (:mod:`sim.interview.features`), trained by :mod:`sim.interview.training` and shipped as
``sim/data/interview/classifier.npz``. The weights load on the first call, not on ``import sim``.
A double-barrelled question is split where its second question starts and each half's domain is
read. The confidence is the geometric mean of the domain and style probabilities, scaled down when
the text is mostly not English words the model knows (gibberish, another language) or one word.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from pydantic import Field

from sim.errors import SimValueError
from sim.interview.features import halves, hashed, hashed_domain, words
from sim.model.base import TableModel
from sim.tables import cached_table

if TYPE_CHECKING:
    import numpy as np


class TypedTextError(SimValueError):
    """A typed question is not usable text: not a string, empty, or too long."""


class ClarifyReply(TableModel):
    """A reply the patient gives to a question they did not understand."""
    text: str
    emotion: str = "confused"
    asks_back: bool = True


class MitiParams(TableModel):
    """MITI-style coding parameters and message templates (freetext.yaml, ``miti``)."""
    question_styles: list[str]
    reflection_styles: list[str]
    complex_markers: list[str]
    complex_min_words: int = Field(ge=1)
    ratio_fair: float = Field(gt=0)
    ratio_good: float = Field(gt=0)
    complex_good: float = Field(ge=0, le=1)
    min_turns: int = Field(ge=0)
    messages: dict[str, str]


class FreetextParams(TableModel):
    """``sim/data/interview/freetext.yaml``."""
    max_chars: int = Field(ge=1)
    threshold: float = Field(ge=0, le=1)
    clarify_minutes: int = Field(ge=0, le=15)
    clarify_replies: list[ClarifyReply] = Field(min_length=1)
    style_phrases: dict[str, str]
    domain_phrases: dict[str, str]
    miti: MitiParams


freetext_params = cached_table("interview/freetext.yaml", FreetextParams, "The free-text parameters (cached).")


class Alternative(TableModel):
    """Another plausible reading, with its probability."""
    domain: str
    style: str
    probability: float


class Classification(TableModel):
    """How a typed question was read.

    ``domain`` is the need domain (for a double-barrelled question, its first half's);
    ``domains`` names both halves' domains of a double-barrelled question (one entry otherwise);
    ``confidence`` is 0..1; ``alternatives`` are the next best (domain, style) readings.
    """
    text: str
    domain: str
    style: str
    domains: tuple[str, ...]
    confidence: float = Field(ge=0, le=1)
    alternatives: list[Alternative] = Field(default_factory=list)
    halves: tuple[str, str] | None = Field(default=None, description="a double-barrelled question's two parts")

    @property
    def understood(self) -> bool:
        """True when the confidence reaches the threshold at which the patient answers."""
        return self.confidence >= freetext_params().threshold

    @property
    def description(self) -> str:
        """The reading in words, e.g. 'a closed question about housing'."""
        p = freetext_params()
        about = " and ".join(dict.fromkeys(p.domain_phrases.get(d, d) for d in self.domains))
        return f"{p.style_phrases.get(self.style, self.style)} about {about}"


class Model:
    """The two fitted regressions; ``read`` classifies text without checking it."""

    def __init__(self, arrays: dict[str, Any]) -> None:
        self.domain_w = arrays["domain_w"].astype("float32")
        self.domain_b = arrays["domain_b"]
        self.style_w = arrays["style_w"].astype("float32")
        self.style_b = arrays["style_b"]
        self.domains: list[str] = [str(d) for d in arrays["domains"]]
        self.styles: list[str] = [str(s) for s in arrays["styles"]]
        self.vocab = frozenset(str(v) for v in arrays["vocab"])
        self.corpus_sha256 = str(arrays.get("corpus_sha256", ""))

    @staticmethod
    def _probs(w: np.ndarray, b: np.ndarray, text: str,
               featurize: Callable[[str], tuple[list[int], list[float]]]) -> np.ndarray:
        import numpy as np

        idx, val = featurize(text)
        z = np.asarray(val, dtype="float32") @ w[idx] + b
        z = np.exp(z - z.max())
        return np.asarray(z / z.sum())

    def known_share(self, text: str) -> float:
        """Share of the text's words (two letters or more) that the training corpus contains."""
        ws = [w for w in words(text) if len(w) >= 2 and not w.isdigit()]
        return sum(w in self.vocab for w in ws) / len(ws) if ws else 0.0

    def read(self, text: str) -> Classification:
        """Classify ``text`` (already checked to be a non-empty string)."""
        import numpy as np

        p_style = self._probs(self.style_w, self.style_b, text, hashed)
        p_domain = self._probs(self.domain_w, self.domain_b, text, hashed_domain)
        style = self.styles[int(p_style.argmax())]
        parts = halves(text) if style == "double_barrelled" else None
        domains: tuple[str, ...]
        if parts is not None:
            first, second = (self._probs(self.domain_w, self.domain_b, part, hashed_domain) for part in parts)
            domains = (self.domains[int(first.argmax())], self.domains[int(second.argmax())])
            domain_p = float(min(first.max(), second.max()))
        else:
            domains = (self.domains[int(p_domain.argmax())],)
            domain_p = float(p_domain.max())
        english = min(1.0, self.known_share(text) / 0.7)
        if len(set(words(text))) < 2:
            english *= 0.5  # one word ("ok", "and", "the the the") is too little to read
        # Geometric mean of the two readings' probabilities, scaled down for text that is not English
        # the model knows: a clear style with an unsure topic is still heard.
        confidence = round(float(np.sqrt(domain_p * float(p_style.max()))) * english, 3)
        joint = np.outer(p_domain, p_style)
        order = np.argsort(-joint, axis=None, kind="stable")[:4]
        alternatives: list[Alternative] = []
        for flat in order:
            d, s = divmod(int(flat), len(self.styles))
            if (self.domains[d], self.styles[s]) != (domains[0], style) and len(alternatives) < 3:
                alternatives.append(Alternative(domain=self.domains[d], style=self.styles[s],
                                                probability=round(float(joint[d, s]), 3)))
        return Classification(text=text, domain=domains[0], style=style, domains=domains, confidence=confidence,
                              alternatives=alternatives, halves=parts)


@lru_cache(maxsize=1)
def model() -> Model:
    """The shipped model, loaded on first use (cached)."""
    import numpy as np

    with resources.files("sim").joinpath("data", "interview", "classifier.npz").open("rb") as fh, \
            np.load(fh) as data:
        return Model({k: data[k] for k in data.files})


def check_text(text: object) -> str:
    """Return ``text`` stripped, or raise :class:`TypedTextError` naming what is wrong."""
    limit = freetext_params().max_chars
    if not isinstance(text, str):
        raise TypedTextError(f"a typed question must be text (a string), not {type(text).__name__} {text!r:.60}")
    stripped = text.strip()
    if not stripped:
        raise TypedTextError(f"a typed question is empty ({text!r}); type what you would say to the patient")
    if len(stripped) > limit:
        raise TypedTextError(f"a typed question may have at most {limit} characters, not {len(stripped)} "
                             f"({stripped[:40]!r}...); ask one thing at a time")
    return stripped


def classify(text: str) -> Classification:
    """Read a typed question: its need domain, style, confidence and the next best readings.

    Raises:
        TypedTextError: ``text`` is not a string, is empty or white space, or is over 500 characters.
    """
    return model().read(check_text(text))
