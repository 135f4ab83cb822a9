"""nbgrader configuration of the sim-msw course (run nbgrader, or `sim grade`, in this folder)."""
import os

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import GetGrades

c = get_config()  # noqa: F821 (provided by traitlets)

ROOT = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.course_id = "sim-msw"
c.CourseDirectory.root = ROOT
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(ROOT, "gradebook.db")
try:  # PostgreSQL when course.yaml (gradebook: postgresql://...) or $SIM_GRADEBOOK_URL says so
    from sim.grading.course import gradebook_url
    from sim.grading.gradebook import locking_url

    c.CourseDirectory.db_url = locking_url(gradebook_url(ROOT))
except ImportError:  # sim not installed where nbgrader runs: the SQLite file
    pass
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback",
                            "answers.json"]

# A runaway cell costs 30 s, not the whole class's time.
c.Execute.timeout = 30
c.Execute.interrupt_on_timeout = True
# Output limits: nbgrader's LimitOutput counts lines; the course's CapOutputBytes caps bytes
# (a 50 MB single line would pass a line limit).
c.LimitOutput.max_lines = 1000
c.LimitOutput.max_traceback = 100
c.CapOutputBytes.max_bytes = 100_000
try:
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, Execute,
                                        IgnorePattern, LimitOutput, SaveAutoGrades)

    from sim.grading.nbext import CapOutputBytes, StripHiddenTests

    c.Autograde.autograde_preprocessors = [
        Execute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, CapOutputBytes,
        SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
    # Feedback without hidden tests (nbgrader 0.9.6 copies them: issues 917, 1363).
    c.GenerateFeedback.preprocessors = [GetGrades, StripHiddenTests, CSSHTMLHeaderPreprocessor]
except ImportError:  # sim not installed where nbgrader runs: plain nbgrader behaviour
    pass
