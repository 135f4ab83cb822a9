"""A real browser: JupyterLab in headless Chromium, driven by Playwright.

Opens lesson 01, runs every cell, asks the simulated patient a question from the menu and one
typed in the student's own words, and ticks a need in the
widgets, checks that the reply and the feedback appear, and saves a screenshot. Opens the
authoring notebook, runs it, breaks the case's YAML in the editor widget and reads the live
validation message, fixes it, previews the chart and saves the case into the server's case
library: a temporary copy named by ``SIM_CASES_DIR``, never the repository's ``simcases/``. Needs
Debian's ``chromium`` (``.ci/run`` installs it). In CI the test must run: a missing browser fails it there.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSON = "01_psychosocial_assessment.ipynb"
AUTHORING = "authoring.ipynb"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"

pytestmark = pytest.mark.browser


def _bound_url(runtime: Path) -> str | None:
    """The URL the server bound (it chose the port itself: --port=0), from its runtime file."""
    for info in runtime.glob("jpserver-*.json"):
        try:
            return json.loads(info.read_text())["url"].rstrip("/")
        except (ValueError, KeyError):
            return None  # written but not complete yet
    return None


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is not installed: .ci/run must apt-get install it")
        pytest.skip("chromium is not installed on this machine (apt-get install chromium)")
    workdir = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", workdir / "notebooks")
    # The server's case library: a copy, so that the authoring notebook's Save never writes into the repository.
    cases = workdir / "simcases"
    shutil.copytree(ROOT / "simcases", cases)
    settings = workdir / "settings"
    settings.mkdir()
    (settings / "overrides.json").write_text(json.dumps(
        {"@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False}}))
    token = secrets.token_hex(16)
    runtime = workdir / "runtime"
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(runtime), "JUPYTERLAB_SETTINGS_DIR": str(workdir / "user-settings"),
           "JUPYTER_CONFIG_DIR": str(workdir / "config"), "MPLBACKEND": "module://matplotlib_inline.backend_inline",
           "SIM_CASES_DIR": str(cases)}
    (workdir / "user-settings" / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
    (workdir / "user-settings" / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
     ).write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    log = (workdir / "lab.log").open("w")
    # Started the way a student starts it: `make lab` (on a copy of the lessons, so that
    # JupyterLab's autosave cannot write outputs into the repository's notebooks).
    lab_args = f"--ip=127.0.0.1 --port=0 --IdentityProvider.token={token} --ServerApp.open_browser=False"
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"LAB_ARGS={lab_args}", f"LAB_ROOT={workdir / 'notebooks'}",
         f"BIN={Path(sys.executable).parent}"],
        stdout=log, stderr=subprocess.STDOUT, env={**env, "CI": "true"}, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 60
    base = ""
    while time.monotonic() < deadline:
        try:
            base = base or _bound_url(runtime) or ""
            if not base:
                raise OSError("not listening yet")
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited: {(workdir / 'lab.log').read_text()[-2000:]}")
            time.sleep(0.5)
    else:
        os.killpg(proc.pid, signal.SIGTERM)
        pytest.fail("JupyterLab did not answer within 60 s")
    yield base, token, cases
    os.killpg(proc.pid, signal.SIGTERM)  # make and the JupyterLab it started
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    log.close()


def _run_all(page: Any, url: str, shown: str, name: str) -> Any:
    """Open a notebook, run all its cells from the Run menu and wait for the widget ``shown``
    (a CSS selector) to appear; its locator. A cell error fails with the error's text."""
    from playwright.sync_api import expect

    page.goto(url)
    page.wait_for_selector(".jp-Notebook")
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)
    page.click(".jp-Notebook")
    page.keyboard.press("Escape")
    widget = page.locator(shown)
    for attempt in range(2):  # a menu click while the kernel is still starting can be lost
        # On a loaded machine JupyterLab may ask which kernel to start (its kernel list came late,
        # seen at load 9 on 2 cores): take the one it offers, the notebook's own Python 3.
        select = page.locator(".jp-Dialog").get_by_role("button", name="Select", exact=True)
        if select.count() and select.first.is_visible():
            select.first.click()
        page.get_by_role("menuitem", name="Run", exact=True).click()
        page.get_by_role("menuitem", name="Run All Cells", exact=True).first.click()
        try:
            expect(widget).to_be_visible(timeout=75_000)
            break
        except AssertionError:
            page.screenshot(path=str(ARTIFACTS / f"{name}-attempt{attempt}.png"))
            errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
            if attempt == 1 or errors.count():
                raise AssertionError(f"{shown} did not appear; cell errors: "
                                     + " | ".join(errors.all_inner_texts())[:2000]) from None
    expect(page.locator("text=Loading widget")).to_have_count(0)
    return widget


def test_lesson_01_in_a_real_browser(lab):
    from playwright.sync_api import expect, sync_playwright

    base, token, _ = lab
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        panel = _run_all(page, f"{base}/lab/tree/{LESSON}?token={token}", ".sim-interview-panel", "lesson01")
        conversation = panel.locator(".sim-conversation")
        before = conversation.inner_text()
        panel.get_by_role("button", name="Ask").first.click()
        expect(conversation).not_to_have_text(before, timeout=30_000)
        # Free text: type a question in the student's own words, say it, and see the reply and the reading.
        typed = "How are you managing with money these days?"
        box = panel.get_by_placeholder("Or type what you would say to the patient")
        box.click()
        box.press_sequentially(typed)
        panel.get_by_role("button", name="Say it").click()
        expect(conversation).to_contain_text(f"You: {typed}", timeout=30_000)
        expect(conversation.locator("p", has_text=typed)).to_contain_text("Patient", timeout=30_000)
        expect(panel.get_by_text("Read as", exact=False)).to_contain_text("money", timeout=30_000)
        form = page.locator(".sim-assessment-form")
        form.scroll_into_view_if_needed()
        form.get_by_role("checkbox").first.check()
        form.get_by_role("button", name="Check my assessment").click()
        feedback = form.locator(".sim-feedback")
        expect(feedback.first).to_contain_text("score", ignore_case=True, timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "lesson01.png"), full_page=False)
        browser.close()
    assert (ARTIFACTS / "lesson01.png").stat().st_size > 10_000


def test_the_authoring_notebook_in_a_real_browser(lab):
    from playwright.sync_api import expect, sync_playwright

    base, token, cases = lab
    saved, in_repo = cases / "medsurg_hip_02.yaml", ROOT / "simcases" / "medsurg_hip_02.yaml"
    assert not saved.exists() and not in_repo.exists()
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(60_000)
        editor = _run_all(page, f"{base}/lab/tree/{AUTHORING}?reset&token={token}", ".sim-case-editor", "authoring")
        # The headless steps ran above it: the scratch save and the reference plan's score.
        expect(page.locator(".jp-OutputArea-output", has_text="saved medsurg_hip_02.yaml").first).to_be_visible()
        expect(page.locator(".jp-OutputArea-output", has_text="score against the key").first).to_be_visible()
        expect(editor).to_contain_text("Valid: ready to preview, try and save.")
        box = editor.locator("textarea")
        box.scroll_into_view_if_needed()
        good = box.input_value()
        assert "urgency: routine" in good and "kind: medigap, plan: Plan G" in good
        # Break it in the editor as an educator would: the message appears, located, with the fix.
        box.fill(good.replace("urgency: routine", "urgency: rutine"))
        expect(editor).to_contain_text("referral.urgency: value not allowed", timeout=30_000)
        expect(editor).to_contain_text("did you mean 'routine'?")
        expect(editor).not_to_contain_text("Valid: ready")
        editor.get_by_role("button", name="Save").click()
        expect(editor).to_contain_text("fix them first", timeout=30_000)
        assert not saved.exists()
        box.fill(good)
        expect(editor).to_contain_text("Valid: ready to preview, try and save.", timeout=30_000)
        editor.get_by_role("button", name="Preview chart").click()
        expect(editor.locator(".sim-student")).to_contain_text("Medigap (Medicare Supplement Insurance), Plan G",
                                                               timeout=30_000)
        editor.get_by_role("button", name="Save").click()
        expect(editor).to_contain_text(f"saved {saved}", timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "authoring.png"), full_page=False)
        browser.close()
    assert saved.read_text(encoding="utf-8") == good
    assert not in_repo.exists()
