"""Screening instruments: definitions from data files, published scoring, response synthesis.

Public API (see each function's docstring):

* :func:`score` ``(instrument_id, responses, **context) -> ScoreResult``, :func:`lace` and
  :func:`lace_score` ``(patient) -> int`` (the LACE index from a patient's chart).
* :func:`get` ``(id) -> Instrument`` and :func:`list_instruments` ``() -> list[Instrument]``;
  :func:`load_file` validates an instructor's edited copy of a data file.
* :func:`synthesize` ``(id, latent, u) -> np.ndarray`` and :func:`synth_width` ``(id) -> int``
  for the vectorized cohort generator; :func:`ahc_answers` and :func:`cssrs_answers` turn a
  synthesized row into the mapping :func:`score` takes; :func:`respond` answers for one patient;
  :func:`score_arrays` scores many synthesized rows at once.

Every patient these functions see is synthetic.
"""
from __future__ import annotations

from sim.errors import UnknownQuestionError
from sim.instruments.definition import Instrument, get, instrument_ids, list_instruments, load_file
from sim.instruments.errors import (
    ContextError,
    InstrumentError,
    ItemCountError,
    MissingAnswerError,
    PointsError,
    SkipLogicError,
    SynthesisError,
    UnknownInstrumentError,
    UnknownOptionError,
)
from sim.instruments.scoring import ScoreResult, lace, lace_score, score
from sim.instruments.synthesis import (
    ahc_answers,
    cssrs_answers,
    latent_from_patient,
    positive_from_level,
    respond,
    score_patient,
    synth_width,
    synthesize,
)
from sim.instruments.vectorized import score_arrays

__all__ = [
    "ContextError", "Instrument", "InstrumentError", "ItemCountError", "MissingAnswerError",
    "PointsError", "ScoreResult", "SkipLogicError", "SynthesisError", "UnknownInstrumentError",
    "UnknownOptionError", "UnknownQuestionError", "ahc_answers", "cssrs_answers", "get",
    "instrument_ids", "lace", "lace_score", "latent_from_patient", "list_instruments", "load_file",
    "positive_from_level", "respond", "score", "score_arrays", "score_patient", "synth_width", "synthesize",
]

