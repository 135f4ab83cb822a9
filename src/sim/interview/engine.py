"""The interview engine: a student asks questions from the bank and takes actions; the
simulated patient's rapport moves with each question's style, hidden facts are disclosed by the
rule in :mod:`sim.interview.replies`, and crisis paths record the actions they require.

Same case, seed and sequence of questions and actions: the same transcript.
"""
from __future__ import annotations

from sim.errors import SimValueError, UnknownNameError
from sim.interview.bank import STYLES, Question, question_bank, style_table
from sim.interview.classifier import Classification
from sim.interview.crisis import CrisisItem, CrisisTracker
from sim.interview.engagement import engagement
from sim.interview.errors import (
    ActionTakenError,
    InterviewDataError,
    InterviewEndedError,
    TimeBudgetError,
    unknown_question,
)
from sim.interview.knowledge import PatientKnowledge
from sim.interview.models import ActionResult, Engagement, Reply, Turn
from sim.interview.replies import ReplyContext, compose
from sim.model.blocks import Block, Line, Section
from sim.model.case import Case, HiddenFact
from sim.model.taxonomy import need_domains
from sim.seeds import check_seed


def start(case: Case, seed: int = 0, budget_minutes: int | None = None) -> Interview:
    """Begin an interview with the patient of ``case``.

    Args:
        case: a concrete case with an opening statement and at least one need or hidden fact.
        seed: decides the wording of replies (non-negative integer).
        budget_minutes: interview time available; default from styles.yaml (45).

    Raises:
        InterviewDataError: the case has no opening statement or nothing to disclose.
        SimValueError: the seed or budget is not allowed.
    """
    return Interview(case, seed=seed, budget_minutes=budget_minutes)


class Interview:
    """One interview in progress. Drive it with :meth:`ask` and :meth:`act`; end with :meth:`end`."""

    def __init__(self, case: Case, seed: int = 0, budget_minutes: int | None = None) -> None:
        params = style_table().state
        if budget_minutes is None:
            budget_minutes = params.default_budget_minutes
        check_seed(seed)
        if isinstance(budget_minutes, bool) or not isinstance(budget_minutes, int) or not 1 <= budget_minutes <= 600:
            raise SimValueError(f"budget_minutes must be an integer from 1 to 600, not {budget_minutes!r}")
        if not isinstance(case, Case):
            raise SimValueError(f"start() needs a sim Case, not {type(case).__name__}")
        if not case.opening_statement.strip():
            raise InterviewDataError(f"case {case.id!r} has no interview data: its opening_statement is empty; "
                                     "give the patient's first words in the case file")
        know = PatientKnowledge.from_case(case)
        if not know.needs and not know.hidden:
            raise InterviewDataError(f"case {case.id!r} has no interview data: no need with evidence and no "
                                     "hidden facts for the patient to talk about")
        self._case, self._know, self._seed = case, know, seed
        self.budget_minutes = budget_minutes
        self._needs_interpreter = case.patient.identity.interpreter_needed
        self._interpreter = False
        start_rapport = params.start_rapport.get(case.patient.medical.setting, 45)
        if case.referral.urgency == "urgent":
            start_rapport -= params.urgent_referral_start_penalty
        if self._needs_interpreter:
            start_rapport = min(start_rapport - params.interpreter.start_penalty, params.interpreter.rapport_cap)
        self.rapport_start = max(0, start_rapport)
        self._rapport = self.rapport_start
        self._minutes = 0
        self._turns: list[Turn] = []
        self._disclosed: list[HiddenFact] = []
        self._asked: set[str] = set()
        self._general_said: set[str] = set()
        self._privacy_blocked = 0
        kinds = {name: spec.kind for name, spec in style_table().actions.items()}
        self._crisis = CrisisTracker(case, kinds)
        self._ended = False

    # -- state ---------------------------------------------------------------------------------
    @property
    def opening(self) -> str:
        """What the patient says when first met."""
        return self._case.opening_statement

    @property
    def title(self) -> str:
        """The case's title."""
        return self._case.title

    @property
    def rapport(self) -> int:
        """Current rapport, 0-100."""
        return self._rapport

    @property
    def minutes_used(self) -> int:
        """Interview minutes used by questions and actions."""
        return self._minutes

    @property
    def time_left(self) -> int:
        """Minutes left of the budget (0 when spent)."""
        return max(0, self.budget_minutes - self._minutes)

    @property
    def ended(self) -> bool:
        """True once :meth:`end` was called."""
        return self._ended

    @property
    def interpreter_in_use(self) -> bool:
        """True once the ``use_interpreter`` action was taken."""
        return self._interpreter

    @property
    def disclosed(self) -> list[HiddenFact]:
        """Hidden facts the patient has disclosed so far, in order."""
        return list(self._disclosed)

    @property
    def transcript(self) -> list[Turn]:
        """Every question and action so far, in order (a copy)."""
        return list(self._turns)

    def questions(self, domain: str | None = None, style: str | None = None) -> list[Question]:
        """Questions of the bank, optionally only one domain and/or one style."""
        if domain is not None and domain not in ("general", *need_domains()):
            raise UnknownNameError("question domain", domain, ["general", *need_domains()])
        if style is not None and style not in STYLES:
            raise UnknownNameError("question style", style, STYLES)
        return [q for q in question_bank().values()
                if (domain is None or q.domain == domain) and (style is None or q.style == style)]

    @property
    def actions_taken(self) -> dict[str, int]:
        """Actions taken so far: id -> interview minute."""
        return dict(self._crisis.taken)

    @staticmethod
    def actions() -> dict[str, str]:
        """Actions the student can take: id -> label."""
        return {name: spec.label for name, spec in style_table().actions.items()}

    # -- steps ---------------------------------------------------------------------------------
    def ask(self, question_id: str) -> Reply:
        """Ask a question of the bank by id; returns the patient's reply.

        A question may be asked while minutes remain; one that runs past the budget finishes,
        and the next is refused. Actions stay possible until :meth:`end`.

        Raises:
            InterviewEndedError, TimeBudgetError, UnknownQuestionError (state unchanged).
        """
        self._check_time()
        bank = question_bank()
        question = bank.get(question_id) if isinstance(question_id, str) else None
        if question is None:
            raise unknown_question(question_id, bank)
        return self._put(question)

    def ask_text(self, text: str) -> Reply:
        """Say something in your own words (a question, reflection or summary); returns the reply.

        The text is read by :func:`sim.interview.classify` and answered as a bank question of the
        same domain and style would be (rapport, disclosure and time as for :meth:`ask`). A
        double-barrelled question is answered on its second half only. When the reading's
        confidence is below the threshold (``freetext.yaml``), the patient asks what was meant:
        that costs a minute and changes nothing else. The transcript keeps the words and the
        reading.

        Raises:
            TypedTextError: the text is not a string, is empty, or is over 500 characters.
            InterviewEndedError, TimeBudgetError (state unchanged).
        """
        from sim.interview.classifier import check_text, classify, freetext_params
        from sim.interview.typed import typed_question

        self._check_time()
        reading = classify(check_text(text))
        if reading.understood:
            return self._put(typed_question(reading), reading)
        import numpy as np

        params = freetext_params()
        rng = np.random.default_rng([self._seed, len(self._turns)])
        line = params.clarify_replies[int(rng.integers(len(params.clarify_replies)))]
        minute = self._minutes
        self._minutes += params.clarify_minutes
        self._turns.append(Turn(index=len(self._turns), minute=minute, kind="unclear", typed=reading.text,
                                reading=reading, reply=line.text, emotion=line.emotion, rapport_after=self._rapport))
        return Reply(text=line.text, emotion=line.emotion, asks_back=line.asks_back)

    def _put(self, question: Question, reading: Classification | None = None) -> Reply:
        """Answer ``question`` and commit the turn (the shared step of ask and ask_text)."""
        params = style_table()
        blocked = self._needs_interpreter and not self._interpreter
        rapport = self._next_rapport(question)
        ctx = ReplyContext(
            rapport=rapport, interpreter_blocked=blocked, disclosed={f.id for f in self._disclosed},
            asked_before=question.id in self._asked, general_said=set(self._general_said),
            anything_stated=any(k in ("need", "fact") for t in self._turns for k, _ in t.facts),
            private="private_setting" in self._crisis.taken,
        )
        import numpy as np

        rng = np.random.default_rng([self._seed, len(self._turns)])
        reply = compose(self._know, question, ctx, rng)
        minute = self._minutes
        cost = params.styles[question.style].minutes
        if self._interpreter and self._needs_interpreter:
            cost += params.state.interpreter.extra_minutes_when_used
        # commit
        self._crisis.on_facts(list(reply.facts), minute)
        self._general_said = ctx.general_said
        self._privacy_blocked += int(ctx.blocked_by_privacy)
        self._asked.add(question.id)
        self._disclosed.extend(reply.disclosed)
        self._rapport = rapport
        self._minutes += cost
        self._turns.append(Turn(index=len(self._turns), minute=minute, question=question, reply=reply.text,
                                emotion=reply.emotion, rapport_after=rapport,
                                disclosed=[f.id for f in reply.disclosed], facts=list(reply.facts),
                                typed=reading.text if reading else None, reading=reading))
        return reply

    def act(self, action: str) -> ActionResult:
        """Take an action (see :meth:`actions`), e.g. ``"cssrs_screener"`` or ``"use_interpreter"``.

        Raises:
            InterviewEndedError, UnknownNameError, ActionTakenError (state unchanged).
        """
        self._check_open()
        specs = style_table().actions
        if action not in specs:
            raise UnknownNameError("interview action", action, specs)
        if action in self._crisis.taken:
            raise ActionTakenError(f"action {action!r} was already taken at minute {self._crisis.taken[action]}")
        tracker = self._crisis.copy()
        minute = self._minutes
        before = set(tracker.triggered)
        tracker.taken[action] = minute
        message = specs[action].label + "."
        rapport = self._rapport
        if action == "cssrs_screener":
            result = tracker.cssrs(minute, self._seed)
            verdict = "negative" if result.risk == "none" else f"{result.risk} risk"
            message += f" Result: {verdict}. {result.summary}"
        elif action == "use_interpreter":
            if self._needs_interpreter:
                rapport = min(100, rapport + style_table().state.interpreter.start_penalty)
                message += " The patient visibly relaxes and now answers in their own language."
            else:
                message += " The patient says they are comfortable talking in English."
        started = sorted(set(tracker.triggered) - before)
        # commit
        self._crisis = tracker
        if action == "use_interpreter":
            self._interpreter = True
        self._rapport = rapport
        self._minutes += specs[action].minutes
        self._turns.append(Turn(index=len(self._turns), minute=minute, kind="action", action=action,
                                reply=message, rapport_after=rapport))
        return ActionResult(action=action, minute=minute, message=message, crisis_started=started)

    def use_interpreter(self) -> ActionResult:
        """Bring in a qualified interpreter: the same as ``act("use_interpreter")``."""
        return self.act("use_interpreter")

    def end(self) -> Engagement:
        """End the interview (idempotent) and return the engagement feedback."""
        self._ended = True
        return self.engagement()

    def engagement(self) -> Engagement:
        """Engagement measures and feedback messages so far."""
        disclosed = {f.id for f in self._disclosed}
        return engagement(self._turns, budget=self.budget_minutes, minutes=self._minutes,
                          rapport_start=self.rapport_start, rapport_end=self._rapport,
                          disclosed=len(disclosed), undisclosed=len(self._know.hidden) - len(disclosed),
                          ended=self._ended, privacy_blocked=self._privacy_blocked)

    def crisis_status(self) -> list[CrisisItem]:
        """Required actions of every crisis path triggered so far: met, missed or pending."""
        return self._crisis.status(self._minutes, self._ended)

    def feedback(self) -> Block:
        """What the interview says to the student so far, as a feedback block: the engagement
        messages, then each required crisis action, met, missed or pending."""
        crisis = [item.line() for item in self.crisis_status()]
        return Block(css="sim-engagement", sections=[
            Section(title="Feedback", lines=[Line(kind="warning", text=m) for m in self.engagement().messages]),
            *([Section(title="Crisis actions", lines=crisis)] if crisis else [])])

    def transcript_markdown(self) -> str:
        """The transcript as Markdown (synthetic patient; for feedback and notes)."""
        name = self._case.patient.identity.name
        lines = [f"# Interview transcript: {self._case.title}", "",
                 f"*Synthetic patient {name}; simulated interview, not a real person.*", "",
                 f"**Patient (opening):** {self.opening}", ""]
        for turn in self._turns:
            if turn.kind == "unclear" and turn.reading is not None:
                lines += [f"**Minute {turn.minute}, student (typed; not understood, read as "
                          f"{turn.reading.description}, confidence {turn.reading.confidence:.2f}):** {turn.typed}", "",
                          f"**Patient** *({turn.emotion})*: {turn.reply}", ""]
                continue
            if turn.kind == "action" or turn.question is None:
                lines += [f"**Minute {turn.minute}, action `{turn.action}`:** {turn.reply}", ""]
                continue
            q = turn.question
            how = (f"typed, read as {turn.reading.description}" if turn.reading is not None
                   else f"{q.style}, {q.domain}")
            lines += [f"**Minute {turn.minute}, student ({how}):** {q.text}", "",
                      f"**Patient** *({turn.emotion})*: {turn.reply}", "",
                      f"<small>rapport {turn.rapport_after}"
                      + (f"; disclosed: {', '.join(turn.disclosed)}" if turn.disclosed else "") + "</small>", ""]
        lines.append(f"*{self._minutes} of {self.budget_minutes} minutes used; rapport "
                     f"{self.rapport_start} -> {self._rapport}.*")
        return "\n".join(lines) + "\n"

    # -- internals -----------------------------------------------------------------------------
    def _check_open(self) -> None:
        if self._ended:
            raise InterviewEndedError("the interview has ended: start a new one to ask more")

    def _check_time(self) -> None:
        self._check_open()
        if self._minutes >= self.budget_minutes:
            raise TimeBudgetError(f"the {self.budget_minutes}-minute time budget is spent "
                                  f"({self._minutes} minutes used): end the interview")

    def _next_rapport(self, question: Question) -> int:
        table = style_table()
        params = table.state
        delta = float(table.styles[question.style].rapport)
        if question.style == "jargon" and self._know.low_literacy:
            delta *= params.jargon_multiplier_low_literacy
        if question.id in self._asked:
            delta = min(delta, 0) - params.repeat_penalty
        blocked = self._needs_interpreter and not self._interpreter
        cap = params.interpreter.rapport_cap if blocked else 100
        if delta > 0:
            if blocked:
                delta *= params.interpreter.gain_factor
            if self._rapport >= params.gain_halved_above:
                delta /= 2
        return int(max(0, min(cap, self._rapport + round(delta))))
