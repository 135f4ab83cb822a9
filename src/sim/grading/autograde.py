"""Parallel autograde: nbgrader's own autograde, one student per task, in a pool of workers.

Each worker is a long-lived process (forked after nbgrader is imported once) that calls
``NbGraderAPI.autograde(assignment, student)`` for one student at a time (dynamic load
balancing: one slow submission does not hold back a fixed share). All workers write the same
gradebook: SQLite waits up to 60 s for a lock, and a student whose run still fails on a locked
database is retried. Then, in this process, every submission is re-scored outside any kernel
(:mod:`sim.grading.rescore`) and problems are summarised.

Every kernel starts in a sandbox (:mod:`sim.grading.sandbox`): the workers put nbgrader's
``Execute`` preprocessor's place to :class:`~sim.grading.sandbox.kernel.SandboxedExecute`, whose
kernels see nothing of the course and have no network; what they tried and what stopped them is
reported per student (``StudentResult.blocked``). ``sandbox=False`` runs kernels as plain nbgrader
does, with the grader's rights, and warns.
"""
from __future__ import annotations

import importlib
import json
import os
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

# nbgrader runs the notebook and reports failures in its log: match the classes' own names, so that
# a renamed exception fails at import rather than silently no longer matching.
from nbclient.exceptions import DeadKernelError
from nbformat.reader import NotJSONError

from sim.grading.course import Course, CourseError
from sim.grading.gradebook import gradebook, is_locked_error, locking_url, with_retry
from sim.grading.rescore import StudentResult, rescore_submission
from sim.grading.sandbox import SandboxLimits, require
from sim.grading.sandbox.bwrap import SandboxUnavailableError, exposed_course
from sim.grading.scoring import load_keys
from sim.grading.submission import load_json

_WORKER: dict[str, Any] = {}


@dataclass
class RunOutcome:
    student: str
    success: bool
    seconds: float
    problems: list[str]
    result: StudentResult | None = None  # re-scored in the worker when nbgrader succeeded
    started: float = 0.0  # wall-clock start (time.time()), to see the workers overlap
    worker: int = 0
    blocked: list[str] | None = None  # what the sandbox stopped


class UnsandboxedGradingWarning(UserWarning):
    """Student code is about to run with the grader's rights (``sandbox=False``)."""


NO_SANDBOX_WARNING = ("WARNING: grading WITHOUT a sandbox: every submission's code runs with your rights. It can "
                      "read keys.yaml and the hidden tests, read and change other students' work and the gradebook, "
                      "use the network and your files, and leave processes running. Use --no-sandbox only for "
                      "submissions you trust.")


def _sandboxed(config: Any, limits: dict[str, Any], pycache: str = "") -> None:
    """Put every executing preprocessor of autograde into the sandbox (refuse one that cannot be)."""
    from nbconvert.preprocessors import ExecutePreprocessor
    from nbgrader.converters import Autograde
    from nbgrader.preprocessors import Execute

    from sim.grading.sandbox.kernel import SandboxedExecute

    listed = config.Autograde.get("autograde_preprocessors") or Autograde.autograde_preprocessors.default()
    chosen = []
    for pre in listed:
        if pre is Execute:
            pre = SandboxedExecute
        elif isinstance(pre, type) and issubclass(pre, ExecutePreprocessor) and not issubclass(pre, SandboxedExecute):
            raise SandboxUnavailableError(f"the course's autograde preprocessor {pre.__name__} runs kernels of its "
                                          "own, which cannot be sandboxed; use nbgrader's Execute")
        chosen.append(pre)
    config.Autograde.autograde_preprocessors = chosen
    config.SandboxedKernelManager.limits = limits
    config.SandboxedKernelManager.pycache = pycache


def _init_worker(root: str, salt: str, timeout: int | None, db_url: str,
                 limits: dict[str, Any] | None = None, pycache: str = "") -> None:
    warnings.filterwarnings("ignore")
    # Kernels inherit this stderr: keep their start-up chatter off the instructor's progress bar
    # (nbgrader's own log is captured per student and summarised).
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    os.chdir(root)
    os.environ["SIM_COURSE_SALT"] = salt
    os.environ.pop("JUPYTERHUB_USER", None)
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=root).load_config()
    config.CourseDirectory.root = root
    config.CourseDirectory.db_url = locking_url(db_url)
    if timeout:
        config.Execute.timeout = timeout
    if limits is not None:
        _sandboxed(config, limits, pycache)
    _WORKER["limits"] = SandboxLimits(**limits) if limits is not None else None
    _WORKER["api"] = NbGraderAPI(config=config)
    from sim.grading.course import load_course

    _WORKER["course"] = load_course(root)
    _WORKER["keys"] = load_keys(Path(root))


def _autograde_one(assignment: str, student: str, attempts: int = 5) -> RunOutcome:
    api = _WORKER["api"]
    os.environ["SIM_STUDENT_ID"] = student
    started = time.perf_counter()
    problems: list[str] = []
    result: dict[str, Any] = {}
    limits: SandboxLimits | None = _WORKER.get("limits")
    events: list[dict[str, str]] = []
    if limits is not None:
        from sim.grading.sandbox.kernel import LOG

        LOG.clear()
        events = LOG
    for attempt in range(attempts):
        result = api.autograde(assignment, student, force=True, create=True)
        if result.get("success") or not is_locked_error(str(result.get("log", "")) + str(result.get("error", ""))):
            break
        time.sleep(0.2 * 2 ** attempt)
    blocked: list[str] | None = None
    if limits is not None:
        from sim.grading.sandbox.report import blocked as blocked_lines
        from sim.grading.sandbox.report import notebook_errors

        executed = sorted((Path(api.coursedir.root) / "autograded" / student / assignment).glob("*.ipynb"))
        blocked = blocked_lines(list(events) + (notebook_errors(executed) if result.get("success") else []), limits)
    if not result.get("success"):
        log = str(result.get("log", "")) + str(result.get("error", ""))
        if blocked and any("its kernel was stopped" in b for b in blocked):
            problems.append("stopped by the sandbox (see blocked); no grade from this run")
        elif DeadKernelError.__name__ in log or "Kernel died" in log:
            problems.append("kernel died (the notebook exits or crashes the kernel); no grade from this run")
        elif NotJSONError.__name__ in log or json.JSONDecodeError.__name__ in log:
            problems.append("not valid notebook JSON")
        elif is_locked_error(log):
            problems.append("gradebook stayed locked; run autograde again for this student")
        else:
            last = [line for line in log.strip().splitlines() if line.strip()][-1:] or ["unknown error"]
            problems.append(f"nbgrader failed: {last[0][:160]}")
    began = time.time() - (time.perf_counter() - started)
    rescored = None
    if result.get("success"):  # re-score here too, so that this part also runs in parallel
        rescored = rescore_submission(_WORKER["course"], assignment, student, _WORKER["keys"])
        _total(_WORKER["course"], assignment, rescored)
    return RunOutcome(student, bool(result.get("success")), time.perf_counter() - started, problems, rescored,
                      began, os.getpid(), blocked)


def ensure_zero_submission(course: Course, assignment: str, student: str) -> None:
    """Give a submission nbgrader could not grade a gradebook entry with zero autograded points."""
    def action() -> None:
        from nbgrader.api import MissingEntry

        with warnings.catch_warnings(), gradebook(course.db_url, course.course_id) as gb:
            warnings.simplefilter("ignore")  # SQLAlchemy autoflush notes from nbgrader's add_submission
            try:
                gb.find_submission(assignment, student)
                return  # keep what an earlier run recorded
            except MissingEntry:
                pass
            gb.update_or_create_student(student)
            sub = gb.add_submission(assignment, student)
            for nb in sub.notebooks:
                for grade in nb.grades:
                    if grade.cell.cell_type == "code":
                        grade.auto_score = 0
                        grade.needs_manual_grade = False
            gb.db.commit()

    with_retry(action)


def autograde(course: Course, assignment: str, jobs: int | None = None, students: list[str] | None = None,
              timeout: int | None = None, progress: bool = True, sandbox: bool = True,
              limits: SandboxLimits | None = None) -> list[StudentResult]:
    """Autograde every submission of ``assignment`` in parallel, re-score, report.

    Args:
        course: the course folder.
        assignment: assignment id (a folder of ``source/``).
        jobs: worker processes (default: all cores).
        students: only these students (default: every ``submitted/<student>/<assignment>``).
        timeout: per-cell execution timeout in seconds (default: the course config's).
        progress: show a tqdm progress bar on stderr.
        sandbox: run every kernel in the sandbox (default). ``False`` runs student code with the
            grader's rights, as plain nbgrader does, and warns (:class:`UnsandboxedGradingWarning`).
        limits: the sandbox's limits (default: ``course.sandbox``, from ``course.yaml``).

    Raises:
        SandboxUnavailableError: ``sandbox`` is on and this machine cannot sandbox (the message
            says why and what to do), or the course lies inside the Python environment.

    Returns:
        One :class:`StudentResult` per student, sorted by student id; also written as JSON to
        ``<course>/reports/autograde_<assignment>.json``.
    """
    import tqdm as tqdm_module
    from tqdm import tqdm

    tqdm_module.tqdm.monitor_interval = 0  # no monitor thread in a process that forks workers

    course.check_assignment(assignment)
    if sandbox:
        require()
        inside = exposed_course(course.root)
        if inside is not None:
            raise SandboxUnavailableError(f"the course {course.root} lies inside {inside}, which the sandbox shows "
                                          "to student code; move the course out of the Python environment")
        limits = limits or course.sandbox
    else:
        warnings.warn(NO_SANDBOX_WARNING, UnsandboxedGradingWarning, stacklevel=2)
        limits = None
    submitted = course.students(assignment)
    if not submitted:
        raise CourseError(f"no submissions of {assignment}: put each student's notebook in "
                          f"{course.root / 'submitted'}/<student>/{assignment}/ (nbgrader collect does this)")
    for student in students or []:
        if student not in submitted:
            raise CourseError(f"student {student!r} has no submission of {assignment} (no folder "
                              f"submitted/{student}/{assignment}); students with one: {', '.join(submitted)}")
    students = sorted(students or submitted)
    if not (course.root / "release" / assignment).is_dir():
        course.generate([assignment])
    keys = load_keys(course.root)
    released = sorted(p.name for p in (course.root / "release" / assignment).glob("*.ipynb"))
    jobs = max(1, jobs or os.cpu_count() or 1)
    outcomes: dict[str, RunOutcome] = {}
    todo = []
    for student in students:  # invalid JSON: no need to start a kernel to learn that
        folder = course.root / "submitted" / student / assignment
        bad = [why for p in sorted(folder.glob("*.ipynb")) if (why := load_json(p)[1])]
        found = sorted(p.name for p in folder.glob("*.ipynb"))
        if released and not set(released) & set(found):
            outcomes[student] = RunOutcome(
                student,
                False,
                0.0,
                [
                    f"no {', '.join(released)} in submitted/{student}/{assignment} "
                    f"(found: {', '.join(found) or 'nothing'}); "
                    "nbgrader grades a notebook under its released name"
                ],
            )
        elif bad:
            outcomes[student] = RunOutcome(student, False, 0.0, [f"{b}" for b in bad])
        else:
            todo.append(student)
    pycache = ""
    if limits is not None and todo:  # the kernels' bytecode, compiled once here (the released notebooks'
        from sim.grading.sandbox.bytecode import notebook_imports, warm  # imports: never a student's)

        cache = warm(notebook_imports(sorted((course.root / "release" / assignment).glob("*.ipynb"))))
        pycache = str(cache) if cache is not None else ""
    with gradebook(course.db_url, course.course_id):
        pass  # create its tables here, once, before workers open it side by side
    bar = tqdm(total=len(students), desc=f"autograde {assignment}", unit="student", disable=not progress)
    bar.update(len(students) - len(todo))
    for round_jobs in (jobs, 1):  # a second, one-worker round for students whose worker died
        if not todo:
            break
        crashed = _run_pool(course, assignment, todo, min(round_jobs, len(todo)), timeout, outcomes, bar,
                            limits.model_dump() if limits is not None else None, pycache)
        todo = crashed if round_jobs > 1 else []
    bar.close()
    results = []
    for student in students:
        outcome = outcomes[student]
        if outcome.result is not None:
            result = outcome.result
        else:
            if not outcome.success:
                ensure_zero_submission(course, assignment, student)
            result = rescore_submission(course, assignment, student, keys)
            _total(course, assignment, result)
        result.blocked = list(outcome.blocked or [])
        result.problems = outcome.problems + [p for p in result.problems if not
                                              (("not valid notebook JSON" in p or "no submitted notebook" in p)
                                               and outcome.problems)]
        results.append(result)
    report = course.root / "reports" / f"autograde_{assignment}.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps([r.to_json() for r in results], indent=1), encoding="utf-8")
    return results


def _context() -> Any:
    """Fork (Linux, macOS with care) after importing nbgrader once here, so that workers share the
    imports (about 3 s of CPU each: jsonschema's format checkers, jupyter_server); spawn elsewhere."""
    import threading

    if sys.platform.startswith("linux") and threading.active_count() == 1:  # forking threads is unsafe
        for module in ("nbgrader.apps", "nbgrader.converters"):
            importlib.import_module(module)

        return get_context("fork")
    return get_context("spawn")


def _run_pool(course: Course, assignment: str, students: list[str], jobs: int, timeout: int | None,
              outcomes: dict[str, RunOutcome], bar: Any, limits: dict[str, Any] | None,
              pycache: str = "") -> list[str]:
    """Autograde ``students`` in a pool of ``jobs`` workers; return those whose worker crashed."""
    crashed = []
    with ProcessPoolExecutor(max_workers=jobs, mp_context=_context(), initializer=_init_worker,
                             initargs=(str(course.root), course.salt, timeout, course.db_url, limits, pycache)) as pool:
        futures = {pool.submit(_autograde_one, assignment, s): s for s in students}
        for fut in as_completed(futures):
            student = futures[fut]
            try:
                outcomes[student] = fut.result()
                bar.update(1)
            except Exception as exc:  # a worker died: report, never crash the class run
                outcomes[student] = RunOutcome(student, False, 0.0, [f"worker crashed: {exc!r}"[:200]])
                crashed.append(student)
    if jobs == 1:
        bar.update(len(crashed))
    return crashed


def _total(course: Course, assignment: str, result: StudentResult) -> None:
    from nbgrader.api import MissingEntry

    with gradebook(course.db_url, course.course_id) as gb:
        try:
            sub = gb.find_submission(assignment, result.student)
        except MissingEntry:
            result.score, result.max_score = 0.0, float(gb.find_assignment(assignment).max_score)
            return
        result.score, result.max_score = float(sub.score), float(sub.max_score)


def summary(results: list[StudentResult]) -> str:
    """A per-student table: score and the problems found."""
    lines = [f"{'student':<20} {'score':>12}  problems"]
    for r in results:
        found = r.problems + [f"blocked: {b}" for b in r.blocked]
        probs = "; ".join(found) if found else "-"
        lines.append(f"{r.student:<20} {r.score:>6.2f}/{r.max_score:<5g}  {probs}")
    flagged = sum(1 for r in results if r.problems or r.blocked)
    lines.append(f"{len(results)} submissions, {flagged} with problems")
    return "\n".join(lines)


def main_paths(course: Course, assignment: str) -> dict[str, Path]:
    return {"gradebook": course.root / "gradebook.db",
            "report": course.root / "reports" / f"autograde_{assignment}.json"}
