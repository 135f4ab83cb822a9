"""A student on the classroom's JupyterHub in a real browser (headless Chromium): logs in through
the hub's form, lands in JupyterLab on the lessons with nbgrader's Assignment List open, and
fetches the released A1 by clicking Fetch; the notebook lands in the student's own home."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from sim.classroom.passwords import set_passwords
from sim.classroom.room import clean, prepare
from sim.classroom.roster import Student

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[1] / "tests" / "artifacts"
A1 = "a1_assessment"


@pytest.mark.skipif(os.geteuid() != 0, reason="creates system users: CI and this machine run as root")
def test_a_student_logs_in_and_fetches_from_the_assignment_list():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is not installed: .ci/run must apt-get install it")
        pytest.skip("chromium is not installed on this machine (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    tag = f"b{os.getpid() % 10000:04d}"
    student = f"{tag}-cara"
    state = Path(tempfile.mkdtemp(prefix="sim-classroom-browser-", dir="/tmp"))
    room = None
    try:
        room = prepare(state, [Student(student, "Cara", "Synthetic")], instructor=f"{tag}-prof")
        password = dict(line.split(",") for line in set_passwords(room).read_text().split()[1:])[student]
        room.sim_grade("generate", A1)
        room.nbgrader("release_assignment", A1)
        room.hub.start()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"])
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            try:
                page.goto(f"{room.hub.url}/hub/login")
                page.fill("#username_input", student)
                page.fill("#password_input", password)
                page.click("#login_submit")
                page.wait_for_url(f"**/user/{student}/lab**", timeout=240_000)
                panel = page.locator("#nbgrader-assignment-list")
                expect(panel).to_be_visible(timeout=120_000)
                expect(panel).to_contain_text(A1, timeout=60_000)  # released, not yet fetched
                expect(page.locator(".jp-DirListing-content")).to_contain_text("00_orientation", timeout=60_000)
                panel.get_by_role("button", name="Fetch").click()
                expect(panel.get_by_role("button", name="Submit")).to_be_visible(timeout=60_000)
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / "classroom-assignment-list.png"))
            finally:
                browser.close()
        fetched = Path(room.students[student].home) / A1 / f"{A1}.ipynb"
        assert fetched.exists() and fetched.stat().st_uid == room.students[student].uid
    finally:
        if room is not None:
            room.hub.shutdown([student])
        clean(state)
