"""Code the student's turns the way a motivational-interviewing supervisor would, after the
Motivational Interviewing Treatment Integrity manual (MITI 4.2.1; Moyers, Manuel & Ernst): count
questions and reflections, the reflection-to-question ratio against the manual's thresholds
(fair 1:1, good 2:1), the share of complex reflections, and the open and empathic shares. Every
message quotes the student's own words. The codes come from each turn's style (chosen from the
menu or read from typed text), not from a trained coder: a teaching aid, not a MITI score.
"""
from __future__ import annotations

from sim.interview.bank import Question
from sim.interview.classifier import freetext_params
from sim.interview.features import normalize, words
from sim.interview.models import MitiSummary, Turn


def is_question(q: Question) -> bool:
    """MITI codes a question for a question style, or any other non-reflection ending in '?'."""
    m = freetext_params().miti
    return q.style in m.question_styles or (q.style not in m.reflection_styles and q.text.rstrip().endswith("?"))


def is_complex(q: Question) -> bool:
    """A summary, or a reflection that adds meaning (a marker phrase) or is long (freetext.yaml)."""
    m = freetext_params().miti
    if q.style == "summarizing":
        return True
    low = normalize(q.text) + " "
    return any(marker in low for marker in m.complex_markers) or len(words(q.text)) >= m.complex_min_words


def code(turns: list[Turn]) -> MitiSummary:
    """MITI-style summary of ``turns`` (actions are not coded)."""
    params = freetext_params()
    m, text = params.miti, params.miti.messages
    said = [t.question for t in turns if t.kind == "question" and t.question is not None]
    questions = [q for q in said if is_question(q)]
    reflections = [q for q in said if q.style in m.reflection_styles]
    complex_ = [q for q in reflections if is_complex(q)]
    simple = [q for q in reflections if not is_complex(q)]
    opened = [q for q in questions if q.style == "open"]
    warm = [q for q in said if q.style in ("empathic", "normalizing")]
    ratio = round(len(reflections) / len(questions), 2) if questions else None
    complex_share = round(len(complex_) / len(reflections), 3) if reflections else None
    open_share = round(len(opened) / len(questions), 3) if questions else 0.0
    empathic_share = round(len(warm) / len(said), 3) if said else 0.0
    unclear = [t for t in turns if t.kind == "unclear"]
    msgs: list[str] = []
    counts = {"questions": len(questions), "reflections": len(reflections), "ratio": f"{ratio:.2f}" if ratio else "0"}
    if len(said) + len(unclear) >= m.min_turns:
        if questions:
            level = ("ratio_good" if ratio is not None and ratio >= m.ratio_good
                     else "ratio_fair" if ratio is not None and ratio >= m.ratio_fair else "ratio_low")
            example = (reflections[-1] if level == "ratio_good" else _pick(questions, ("closed", "leading")))
            msgs.append(text[level].format(example=example.text, **counts))
        elif reflections:
            msgs.append(text["only_reflections"].format(example=reflections[0].text, **counts))
        if reflections:
            good = complex_share is not None and complex_share >= m.complex_good
            pct = round(100 * (complex_share or 0.0))
            example = complex_[0] if good or not simple else simple[0]
            msgs.append(text["complex_good" if good else "complex_low"].format(
                complex=len(complex_), reflections=len(reflections), complex_pct=pct, example=example.text))
        if questions:
            pct = round(100 * open_share)
            low = open_share < params_open_min()
            example = _pick(questions, ("closed", "leading", "jargon")) if low else opened[0]
            msgs.append(text["open_low" if low else "open_good"].format(open_pct=pct, example=example.text,
                                                                        questions=len(questions)))
        if warm:
            msgs.append(text["empathic"].format(empathic_pct=round(100 * empathic_share), example=warm[0].text))
    msgs += [text["unclear"].format(example=t.reading.text, phrase=t.reading.description,
                                    confidence=f"{t.reading.confidence:.2f}")
             for t in unclear if t.reading is not None]
    return MitiSummary(questions=len(questions), reflections=len(reflections), complex_reflections=len(complex_),
                       ratio=ratio, complex_share=complex_share, open_share=open_share,
                       empathic_share=empathic_share, unclear=len(unclear), messages=msgs)


def params_open_min() -> float:
    """The open-question share below which feedback asks for more (styles.yaml, feedback)."""
    from sim.interview.bank import style_table

    return style_table().feedback.open_share_min


def _pick(questions: list[Question], styles: tuple[str, ...]) -> Question:
    """The first question of one of ``styles``, else the first question."""
    return next((q for q in questions if q.style in styles), questions[0])
