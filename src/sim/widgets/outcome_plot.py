"""The outcome plot: simulated follow-up of several plans side by side
(:func:`sim.viz.outcomes.compare_plot`), with a table of the same figures as its text
alternative for screen readers."""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sim.widgets.common import ShowsWidget, esc

if TYPE_CHECKING:
    from sim.outcomes import OutcomeResult


def describe_outcomes(results: Mapping[str, OutcomeResult], outcomes: tuple[str, ...] | None = None) -> str:
    """An HTML table of the mean of each outcome for each plan (the plot's text alternative)."""
    from sim.viz.outcomes import DEFAULT_OUTCOMES, TITLES

    names = outcomes or DEFAULT_OUTCOMES
    labels = list(results)
    head = "".join(f"<th scope='col'>{esc(label)}</th>" for label in labels)
    rows = []
    for name in names:
        heading, unit, lower_better = TITLES[name]
        cells = []
        for label in labels:
            value = results[label].summary()[name]
            cells.append(f"<td>{value:.0%}</td>" if unit in ("rate", "share of needs") else f"<td>{value:.1f}</td>")
        better = "lower" if lower_better else "higher"
        rows.append(f"<tr><th scope='row'>{esc(heading)} ({better} is better)</th>{''.join(cells)}</tr>")
    n = next(iter(results.values())).n if results else 0
    return (f"<table class='sim-outcome-table'><caption>Simulated follow-up, mean of {n:,} replicates "
            f"(synthetic patient)</caption><thead><tr><th scope='col'>outcome</th>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


class OutcomePlot(ShowsWidget):
    """A figure area and its text alternative.

    Attributes:
        widget: the container (class ``sim-outcome-plot``).
        plot: an ipywidgets Output showing the figure.
        description: HTML widget with the table of the same figures.
        figure: the last matplotlib Figure drawn, or None.
    """

    def __init__(self, results: Mapping[str, OutcomeResult] | None = None) -> None:
        import ipywidgets as w

        self.plot = w.Output()
        self.description = w.HTML("")
        self.figure: Any = None
        self.widget = w.VBox([self.plot, w.HTML("<b>The same figures as a table</b>"), self.description])
        self.widget.add_class("sim-outcome-plot")
        if results:
            self.show(results)

    def show(self, results: Mapping[str, OutcomeResult]) -> None:
        """Draw ``results`` (label -> OutcomeResult) and fill the table."""
        from IPython.display import display

        from sim.viz.outcomes import compare_plot
        from sim.viz.palette import pyplot

        fig = compare_plot(results)
        self.figure = fig
        self.plot.clear_output(wait=True)
        with self.plot:
            display(fig)
        pyplot().close(fig)
        self.description.value = describe_outcomes(results)
