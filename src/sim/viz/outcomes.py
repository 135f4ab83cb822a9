"""Comparison plot of simulated outcomes: e.g. the student's plan vs no plan vs the reference plan.

One small panel per outcome; one bar per plan (mean) with a whisker for the central interval
(of the per-replicate risk for events, of the values otherwise). Bars differ by hatch as well as
colour (Okabe-Ito). Bars carry ``gid`` ``bar:<outcome>:<label>``. matplotlib loads on first call.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sim.errors import SimValueError, UnknownNameError
from sim.viz.palette import OKABE_ITO, pyplot

if TYPE_CHECKING:
    from sim.outcomes import OutcomeResult

DEFAULT_OUTCOMES = ("readmission_30d", "readmission_90d", "safety_event_90d", "ed_visits_90d",
                    "caregiver_burnout_90d", "discharge_delay_days", "wellbeing_90d", "goal_attainment")
TITLES = {
    "readmission_30d": ("Readmission by 30 days", "rate", True),
    "readmission_90d": ("Readmission by 90 days", "rate", True),
    "safety_event_90d": ("Safety event by 90 days", "rate", True),
    "self_harm_90d": ("Self-harm by 90 days", "rate", True),
    "violence_90d": ("Violence by 90 days", "rate", True),
    "maltreatment_90d": ("Maltreatment by 90 days", "rate", True),
    "caregiver_burnout_90d": ("Caregiver burnout by 90 days", "rate", True),
    "ed_visits_90d": ("ED visits in 90 days", "visits", True),
    "discharge_delay_days": ("Discharge delay", "days", True),
    "wellbeing_90d": ("Wellbeing at 90 days", "WHO-5 style, 0-100", False),
    "goal_attainment": ("Needs with a goal met", "share of needs", False),
}
COLOURS = [OKABE_ITO[c] for c in ("blue", "orange", "green", "purple", "sky", "vermillion")]
HATCHES = ["", "//", "..", "xx", "\\\\", "oo"]


def compare_plot(results: Mapping[str, OutcomeResult], outcomes: Sequence[str] | None = None,
                 level: float = 0.8, title: str = "Simulated follow-up (synthetic patient)") -> Any:
    """Bars with intervals comparing plans, one panel per outcome; returns a matplotlib Figure.

    Args:
        results: label -> result, e.g. ``{"your plan": r1, "no plan": r0, "reference plan": r2}``.
        outcomes: which outcomes to draw (default: the main eight).
        level: interval level for the whiskers (default 0.8: 10th to 90th percentile).
        title: figure title.
    """
    if not results:
        raise SimValueError("compare_plot needs at least one result, e.g. {'your plan': result}")
    names = list(outcomes or DEFAULT_OUTCOMES)
    for name in names:
        if name not in TITLES:
            raise UnknownNameError("outcome", name, TITLES)
    plt = pyplot()
    cols = min(4, len(names))
    rows = -(-len(names) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.2 * cols, 2.9 * rows), squeeze=False)
    labels = list(results)
    for ax, name in zip(axes.flat, names, strict=False):
        heading, unit, lower_better = TITLES[name]
        for i, label in enumerate(labels):
            res = results[label]
            mean = res.summary()[name]
            lo, hi = res.interval(name, level)
            bar = ax.bar(i, mean, color=COLOURS[i % len(COLOURS)], hatch=HATCHES[i % len(HATCHES)],
                         edgecolor="black", linewidth=0.6)[0]
            bar.set_gid(f"bar:{name}:{label}")
            ax.errorbar(i, mean, yerr=[[max(mean - lo, 0)], [max(hi - mean, 0)]], color="black", capsize=3, lw=1)
        ax.set_title(f"{heading}\n({'lower' if lower_better else 'higher'} is better)", fontsize=9)
        ax.set_ylabel(unit, fontsize=8)
        ax.set_xticks(range(len(labels)), labels, rotation=20, ha="right", fontsize=8)
        if unit in ("rate", "share of needs"):
            ax.set_ylim(0, 1)
        elif name == "wellbeing_90d":
            ax.set_ylim(0, 100)
    for ax in list(axes.flat)[len(names):]:
        ax.set_visible(False)
    n = next(iter(results.values())).n
    fig.suptitle(f"{title}\nbars: mean of {n:,} replicates; whiskers: {level:.0%} interval", fontsize=10)
    fig.tight_layout()
    return fig
