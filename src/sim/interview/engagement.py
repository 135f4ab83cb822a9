"""Engagement measures of an interview (shares of open, reflective, empathic and poor
questions, time used) with short feedback messages; thresholds in ``styles.yaml``."""
from __future__ import annotations

from sim.interview.bank import style_table
from sim.interview.models import Engagement, Turn


def engagement(turns: list[Turn], *, budget: int, minutes: int, rapport_start: int, rapport_end: int,
               disclosed: int, undisclosed: int, ended: bool, privacy_blocked: int = 0) -> Engagement:
    """Measure the questions in ``turns`` and write feedback messages."""
    styles = style_table().styles
    fb = style_table().feedback
    asked = [t.question for t in turns if t.kind == "question" and t.question is not None]
    n = len(asked)

    def share(*names: str) -> float:
        return round(sum(q.style in names for q in asked) / n, 3) if n else 0.0

    poor = [q.id for q in asked if styles[q.style].group == "poor"]
    open_share, reflection_share = share("open"), share("reflection")
    empathic_share = share("empathic", "normalizing")
    m, msgs = fb.messages, []
    if n < fb.min_questions:
        msgs.append(m["few_questions"].format(questions=n))
    if n:
        if open_share < fb.open_share_min:
            msgs.append(m["low_open"].format(open_pct=round(100 * open_share),
                                             target_pct=round(100 * fb.open_share_min)))
        else:
            msgs.append(m["good_open"].format(open_pct=round(100 * open_share)))
        if reflection_share < fb.reflection_share_min:
            msgs.append(m["low_reflection"].format(reflection_pct=round(100 * reflection_share)))
        if empathic_share < fb.empathic_share_min:
            msgs.append(m["low_empathy"].format(empathic_pct=round(100 * empathic_share)))
        if poor:
            named = [f'"{q.text}"' if q.id.startswith("typed:") else q.id
                     for q in asked if styles[q.style].group == "poor"]
            msgs.append(m["poor"].format(poor=len(poor), poor_ids=", ".join(named)))
        if not any(q.style == "summarizing" for q in asked):
            msgs.append(m["no_summary"])
    if rapport_end < rapport_start:
        msgs.append(m["rapport_down"].format(start=rapport_start, end=rapport_end))
    elif rapport_end > rapport_start:
        msgs.append(m["rapport_up"].format(start=rapport_start, end=rapport_end))
    if ended and undisclosed:
        msgs.append(m["undisclosed"])
    if ended and privacy_blocked:
        msgs.append(m["needs_private"])
    msgs.append(m["over_time"].format(minutes=minutes, budget=budget))
    from sim.interview.miti import code

    miti = code(turns)
    return Engagement(
        questions=n, open_share=open_share, closed_share=share("closed"), reflection_share=reflection_share,
        empathic_share=empathic_share,
        oars_share=round(sum(styles[q.style].group == "oars" for q in asked) / n, 3) if n else 0.0,
        poor_share=round(len(poor) / n, 3) if n else 0.0, poor_questions=poor, minutes_used=minutes,
        budget_minutes=budget, rapport_start=rapport_start, rapport_end=rapport_end, disclosed=disclosed,
        messages=msgs + miti.messages, miti=miti)
