"""The care and discharge plan builder: SMART goals (need, measure, date, who), referrals chosen
from :func:`sim.practice.resources.match` with the reasons a resource is out of reach, a discharge
disposition and follow-up; "Check my plan" shows :func:`sim.feedback.review_plan`, "Simulate
outcomes" plots the plan against no plan and the reference plan. All logic is in
:class:`sim.widgets.drafts.PlanDraft`."""
from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sim.errors import SimError
from sim.model.blocks import Line, lines_html
from sim.widgets.common import (
    STYLE,
    ShowsFeedback,
    button,
    error_html,
    esc,
    feedback_box,
    status_html,
)
from sim.widgets.drafts import PlanDraft, labels
from sim.widgets.outcome_plot import OutcomePlot

if TYPE_CHECKING:
    from sim.feedback import Feedback
    from sim.model.case import Case
    from sim.practice.resources import MatchResult
    from sim.widgets.intervention_picker import InterventionPicker

_NO_DISCHARGE = "no discharge in this setting"


def _days(n: int) -> str:
    return "today" if n == 0 else f"in {n} day{'s' if n != 1 else ''}"


def _need(domain: str) -> str:
    from sim.model.taxonomy import taxonomy

    spec = taxonomy().domains.get(domain)
    return spec.label if spec else domain


class CarePlanBuilder(ShowsFeedback):
    """Goals, referrals, discharge and follow-up for a case, with feedback and simulated outcomes.

    Args:
        case: the case.
        picker: an :class:`InterventionPicker` whose interventions and actions join the plan.
        start: the day the plan is written (goal dates default to 30 days later); default today.
        replicates, seed: of the outcome simulation.

    Attributes:
        widget: the container (class ``sim-care-plan``); ``draft`` the :class:`PlanDraft`.
        goal_need, goal_description, goal_measure, goal_date, goal_responsible, add_goal_button,
        remove_goal_button, goals_html: the goal controls.
        referral_need, find_button, resource_choice, add_referral_button, clear_referrals_button,
        match_html, referrals_html: the referral controls.
        discharge, follow_up: the discharge Dropdown and follow-up days.
        check_button, simulate_button; output (feedback, class ``sim-feedback``), error,
        outcome_plot (:class:`OutcomePlot`); result (last Feedback), outcomes (last results).
    """

    def __init__(self, case: Case, picker: InterventionPicker | None = None, start: date | None = None,
                 replicates: int = 2000, seed: int = 0) -> None:
        import ipywidgets as w

        from sim.model.taxonomy import taxonomy

        tx = taxonomy()
        self.start = start or date.today()
        self.picker = picker
        self.draft = PlanDraft(case, interventions=picker.draft if picker else None, start=self.start)
        self.replicates, self.seed = replicates, seed
        self.result: Feedback | None = None
        self.outcomes: dict[str, Any] | None = None
        self.match: MatchResult | None = None
        needs = [(d.label, k) for k, d in tx.domains.items()]
        wide = w.Layout(width="520px")
        self.goal_need = w.Dropdown(options=needs, description="Need", style=STYLE, layout=wide)
        self.goal_description = w.Text(description="Goal", placeholder="specific: what will change",
                                       style=STYLE, layout=wide)
        self.goal_measure = w.Text(description="Measure", placeholder="measurable: e.g. 'PHQ-9 below 10'",
                                   style=STYLE, layout=wide)
        self.goal_date = w.DatePicker(description="Target date", value=self.start + timedelta(days=30), style=STYLE)
        self.goal_responsible = w.Text(description="Responsible", value="social worker", style=STYLE)
        self.add_goal_button = button(w, "Add goal", icon="plus", tooltip="Add this SMART goal")
        self.remove_goal_button = button(w, "Remove last goal", icon="minus")
        self.goals_html = w.HTML("<i>No goals yet.</i>")
        self.add_goal_button.on_click(lambda _b: self.add_goal())
        self.remove_goal_button.on_click(lambda _b: self.remove_last_goal())

        self.referral_need = w.Dropdown(options=needs, description="Referral for", style=STYLE, layout=wide)
        self.find_button = button(w, "Find resources", icon="search",
                                  tooltip="List the community resources for this need, with eligibility")
        self.resource_choice = w.Dropdown(options=[], description="Resource", style=STYLE,
                                          layout=w.Layout(width="620px"))
        self.add_referral_button = button(w, "Add referral", icon="plus", disabled=True)
        self.clear_referrals_button = button(w, "Clear referrals", icon="trash")
        self.match_html = w.HTML("")
        self.referrals_html = w.HTML("<i>No referrals yet.</i>")
        self.find_button.on_click(lambda _b: self.find_resources())
        self.add_referral_button.on_click(lambda _b: self.add_referral())
        self.clear_referrals_button.on_click(lambda _b: self._run(self._clear_referrals))

        dispositions = [(_NO_DISCHARGE, "")] + [(label, key) for key, label in labels().dispositions.items()]
        self.discharge = w.Dropdown(options=dispositions, value="", description="Discharge to", style=STYLE,
                                    layout=wide)
        self.follow_up = w.BoundedIntText(value=0, min=0, max=365, description="Follow-up within (days, 0 = none)",
                                          style=STYLE)
        self.check_button = button(w, "Check my plan", button_style="primary", icon="check")
        self.simulate_button = button(w, "Simulate outcomes", button_style="info", icon="line-chart",
                                      tooltip="Simulate 30- and 90-day follow-up: your plan, no plan, "
                                      "the reference plan")
        self.check_button.on_click(lambda _b: self.check())
        self.simulate_button.on_click(lambda _b: self.simulate())
        self.error = w.HTML("")
        self.output = feedback_box(w)
        self.outcome_plot = OutcomePlot()
        self.widget = w.VBox([
            w.HTML("<h3>Care and discharge plan</h3><p>Synthetic patient. Interventions and crisis actions "
                   "come from the picker above.</p><h4>SMART goals</h4>"),
            self.goal_need, self.goal_description, self.goal_measure,
            w.HBox([self.goal_date, self.goal_responsible]),
            w.HBox([self.add_goal_button, self.remove_goal_button]), self.goals_html,
            w.HTML("<h4>Referrals</h4>"), w.HBox([self.referral_need, self.find_button]), self.match_html,
            self.resource_choice, w.HBox([self.add_referral_button, self.clear_referrals_button]),
            self.referrals_html,
            w.HTML("<h4>Discharge and follow-up</h4>"), self.discharge, self.follow_up,
            w.HBox([self.check_button, self.simulate_button]), self.error, self.output, self.outcome_plot.widget,
        ])
        self.widget.add_class("sim-care-plan")

    # -- actions --------------------------------------------------------------------------------
    def add_goal(self) -> None:
        """Add the goal in the controls (the Add goal button)."""
        def action() -> None:
            self.draft.add_goal(self.goal_need.value, self.goal_description.value, self.goal_measure.value,
                                self.goal_date.value, self.goal_responsible.value)
            self.goal_description.value, self.goal_measure.value = "", ""
        self._run(action)

    def remove_last_goal(self) -> None:
        """Remove the last goal added (the Remove last goal button)."""
        self._run(lambda: self.draft.remove_goal(len(self.draft.goals) - 1))

    def find_resources(self) -> None:
        """List the resources for the chosen need: eligible ones to pick, the others with reasons."""
        def action() -> None:
            from sim.practice.resources import get

            self.match = m = self.draft.resources(self.referral_need.value)
            self.resource_choice.options = [
                (f"{r.name}: starts {_days(r.delay_days)}"
                 + ("" if r.has_capacity else " (waitlist)") + f"; {r.hours}", r.id) for r in m.eligible]
            self.resource_choice.value = m.eligible[0].id if m.eligible else None
            self.add_referral_button.disabled = not m.eligible
            lines = [Line(kind="praise", text=f"Eligible: {r.name} ({r.kind}); starts {_days(r.delay_days)}"
                          + ("" if r.has_capacity else ", waitlist") + f"; languages {', '.join(r.languages)}")
                     for r in m.eligible]
            lines += [Line(kind="missed", text=f"Not eligible: {get(rid).name}: {'; '.join(reasons)}")
                      for rid, reasons in m.ineligible.items()]
            self.match_html.value = lines_html(lines or [Line(
                kind="warning", text="No resource in the directory serves this need: a gap worth naming as a "
                                     "systemic barrier.")])
        self._run(action)

    def add_referral(self) -> None:
        """Refer to the chosen resource for the chosen need."""
        if self.resource_choice.value is None:
            self.error.value = error_html("press Find resources and choose an eligible resource first")
            return
        self._run(lambda: self.draft.add_referral(self.resource_choice.value, self.match.need if self.match
                                                  else self.referral_need.value))

    def _clear_referrals(self) -> None:
        self.draft.referrals.clear()

    def _sync(self) -> None:
        if self.picker is not None:
            self.picker.sync()
        self.draft.set_discharge(self.discharge.value or None)
        self.draft.follow_up_days = self.follow_up.value or None

    def check(self) -> None:
        """Show feedback on the whole plan (the Check my plan button)."""
        def action() -> None:
            self._sync()
            self.result = self.draft.check()
            self.output.value = status_html(self.result.html())
        self._run(action)

    def simulate(self) -> None:
        """Simulate follow-up and draw the plot (the Simulate outcomes button)."""
        def action() -> None:
            self._sync()
            self.outcomes = self.draft.simulate(n=self.replicates, seed=self.seed)
            self.outcome_plot.show(self.outcomes)
        self._run(action)

    # -- display --------------------------------------------------------------------------------
    def _run(self, action: Any) -> None:
        try:
            action()
        except SimError as exc:
            self.error.value = error_html(str(exc))
            return
        self.error.value = ""
        self._refresh()

    def _refresh(self) -> None:
        from sim.practice.resources import get

        goals = "".join(f"<li>{esc(g['description'])}: <i>{esc(g['measure'])}</i> by {g['target_date']:%d %B %Y} "
                        f"({esc(g['responsible'])}; need: {esc(_need(g['need']))})</li>" for g in self.draft.goals)
        self.goals_html.value = f"<ol>{goals}</ol>" if goals else "<i>No goals yet.</i>"
        refs = "".join(f"<li>{esc(get(r['resource']).name)} for {esc(_need(r['need']))}</li>"
                       for r in self.draft.referrals)
        self.referrals_html.value = f"<ul>{refs}</ul>" if refs else "<i>No referrals yet.</i>"
