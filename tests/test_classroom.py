"""sim classroom: the roster's checks, the root requirement, and a whole term on a live JupyterHub
(real system users, real nbgrader exchange, real autograde) with 4 students, cleaned up after."""
from __future__ import annotations

import http.cookiejar
import json
import os
import pwd
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from sim.classroom.roster import RosterError, read_roster
from sim.classroom.users import UsersError, require_root
from sim.cli import main


def roster(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_roster_in_nbgrader_columns_is_read(tmp_path):
    students = read_roster(roster(tmp_path, "id,first_name,last_name,email\njdoe,Jane,Doe,jdoe@example.org\n"
                                            "s_02,Sam,Roe,\n\n"))
    assert [(s.id, s.first_name, s.email) for s in students] == [("jdoe", "Jane", "jdoe@example.org"),
                                                                  ("s_02", "Sam", "")]


@pytest.mark.parametrize(("text", "needle"), [
    ("id,first_name\njdoe,Jane\njdoe,Janet\n", "'jdoe' is listed twice (first on line 2)"),
    ("id\nJane Doe\n", "user name 'Jane Doe' is not allowed"),
    ("id\n1abc\n", "starting with a letter"),
    ("id\nroot\n", "'root' is reserved"),
    ("name,email\njdoe,x@example.org\n", "needs an 'id' column (found: name, email)"),
    ("id,nickname\njdoe,J\n", "unknown column(s) 'nickname'"),
    ("id\n", "lists no students"),
])
def test_a_bad_roster_is_named(tmp_path, text, needle):
    with pytest.raises(RosterError) as err:
        read_roster(roster(tmp_path, text))
    assert needle in str(err.value)
    assert str(tmp_path / "roster.csv") in str(err.value)


def test_bad_roster_on_the_command_line_is_one_line(tmp_path, capsys):
    path = roster(tmp_path, "id\nok_1\nok_1\n")
    assert main(["classroom", "up", "--roster", str(path), "--state", str(tmp_path / "s")]) == 2
    err = capsys.readouterr().err
    assert "listed twice" in err and "Traceback" not in err
    assert not (tmp_path / "s").exists()  # nothing half-made


def test_a_bad_gradebook_for_up_is_named(tmp_path, capsys):
    path = roster(tmp_path, "id\njdoe\n")
    assert main(["classroom", "up", "--roster", str(path), "--state", str(tmp_path / "s"),
                 "--gradebook", "mysql://u:secret@db/x"]) == 2
    err = capsys.readouterr().err
    assert "--gradebook" in err and "postgresql://" in err and "secret" not in err
    assert not (tmp_path / "s").exists()


def test_without_root_the_message_offers_the_single_user_course(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(UsersError) as err:
        require_root("sim classroom up")
    assert "needs root" in str(err.value) and "make lab" in str(err.value)
    path = roster(tmp_path, "id\njdoe\n")
    assert main(["classroom", "up", "--roster", str(path), "--state", str(tmp_path / "s")]) == 2
    assert "needs root" in capsys.readouterr().err


def test_clean_refuses_a_folder_that_is_not_a_classroom(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("mine")
    assert main(["classroom", "clean", str(tmp_path)]) == 2
    assert "not a classroom folder" in capsys.readouterr().err
    assert (tmp_path / "keep.txt").exists()


def test_a_missing_proxy_says_how_to_install_it(monkeypatch, tmp_path):
    from sim.classroom import hubconfig

    monkeypatch.setattr(hubconfig, "REPO", tmp_path)
    monkeypatch.delenv("SIM_CHP", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(hubconfig.HubConfigError) as err:
        hubconfig.find_proxy()
    assert "npm ci --prefix tools/proxy" in str(err.value) and hubconfig.CHP_VERSION in str(err.value)


def test_the_pinned_proxy_is_installed():
    from sim.classroom.hubconfig import CHP_VERSION, find_proxy

    lock = json.loads((Path(__file__).resolve().parents[1] / "tools" / "proxy" / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/configurable-http-proxy"]["version"] == CHP_VERSION
    version = subprocess.run([find_proxy(), "--version"], capture_output=True, text=True, check=True).stdout
    assert version.strip() == CHP_VERSION


def _uid_processes(uid: int) -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _owner(p) == uid]


def _owner(p: Path) -> int | None:
    try:
        return p.stat().st_uid
    except OSError:
        return None


@pytest.mark.nbgrader
@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0, reason="creates system users: CI and this machine run as root")
def test_a_whole_term_on_a_live_hub(capsys):
    state = Path(tempfile.mkdtemp(prefix="sim-classroom-test-", dir="/tmp"))  # reachable by the users
    try:
        assert main(["classroom", "demo", "--students", "4", "--keep", str(state), "--gradebook", "postgres"]) == 0
        out = capsys.readouterr().out
        report = json.loads((state / "report.json").read_text())
        assert report["hub_url"].startswith("http://127.0.0.1:")
        students = {s["name"]: s for s in report["students"]}
        assert len(students) == 4
        for s in students.values():
            entry = pwd.getpwnam(s["name"])
            assert entry.pw_uid == s["uid"] and entry.pw_dir == s["home"]
            home = os.stat(s["home"])
            assert home.st_uid == s["uid"] and stat.S_IMODE(home.st_mode) == 0o700
            assert s["score"] is not None and s["max_score"] == 12  # graded: 7 auto + 5 manual points
            assert s["feedback_fetched"] is True
            assert _uid_processes(s["uid"]) == []  # every server stopped with the hub
        names = sorted(students)
        full = [s for s in students.values() if s["kind"] == "full"]
        assert full and all(s["score"] >= 7 for s in full)
        double, dies, late = students[names[1]], students[names[2]], students[names[3]]
        assert double["submissions"] == 2 and double["score"] >= 7  # the later (real) work counts, not the blank
        assert late["late"] is True and sum(s["late"] for s in students.values()) == 1
        assert dies["server_restarted"] is True and dies["score"] is not None
        assert any("hub was restarted" in e for e in report["events"])
        assert "4 of 4 students graded" in out

        # nbgrader's exchange: students may submit into inbound/ but not list it; homes are private
        inbound = state / "exchange" / "sim-msw" / "inbound"
        assert stat.S_IMODE(inbound.stat().st_mode) & 0o007 == 0o003
        assert len(list(inbound.iterdir())) == 5  # four submissions and the second one of the double
        peek = subprocess.run(["runuser", "-u", names[0], "--", "ls", str(inbound)], capture_output=True)
        assert peek.returncode != 0
        peek = subprocess.run(["runuser", "-u", names[0], "--", "ls", students[names[1]]["home"]],
                              capture_output=True)
        assert peek.returncode != 0
        # the grades went to PostgreSQL, whose socket only the instructor's group can reach
        assert not (state / "course" / "gradebook.db").exists()
        assert (state / "postgres" / "data" / "PG_VERSION").exists()
        peek = subprocess.run(["runuser", "-u", names[0], "--", "ls", str(state / "postgres" / "socket")],
                              capture_output=True)
        assert peek.returncode != 0
    finally:
        if state.exists():
            main(["classroom", "clean", str(state)])
        shutil.rmtree(state, ignore_errors=True)
    for name in names:
        with pytest.raises(KeyError):
            pwd.getpwnam(name)
    assert not state.exists()


def _login(url: str, user: str, password: str) -> tuple[urllib.request.OpenerDirector, bool]:
    """Log in through the hub's login form (PAM) as a browser would; return the opener and whether
    the hub let the user in (a failed login ends on the login page again)."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(f"{url}/hub/login").read().decode()
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page)
    form = {"username": user, "password": password, **({"_xsrf": xsrf.group(1)} if xsrf else {})}
    try:
        with opener.open(f"{url}/hub/login", urllib.parse.urlencode(form).encode(), timeout=60) as resp:
            return opener, "/hub/login" not in resp.geturl()
    except urllib.error.HTTPError:
        return opener, False


def _get(opener: urllib.request.OpenerDirector, url: str) -> tuple[int, str]:
    try:
        with opener.open(url, timeout=60) as resp:
            return resp.status, resp.read().decode(errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, ""


@pytest.mark.nbgrader
@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0, reason="creates system users: CI and this machine run as root")
def test_up_serves_the_roster_on_localhost_until_stopped(tmp_path):
    tag = f"u{os.getpid() % 10000:04d}"
    students = [f"{tag}-ann", f"{tag}-bob"]
    path = roster(tmp_path, "id,first_name,last_name\n" + "".join(f"{s},Syn,Thetic\n" for s in students))
    state = Path(tempfile.mkdtemp(prefix="sim-classroom-up-", dir="/tmp"))
    proc = subprocess.Popen([sys.executable, "-m", "sim", "classroom", "up", "--roster", str(path), "--state",
                             str(state), "--port", "0", "--instructor", f"{tag}-prof"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if "Ctrl-C" in line or len(lines) > 50:
                break
        text = "".join(lines)
        found = re.search(r"(http://127\.0\.0\.1:\d+)", text)
        assert found, text
        url = found.group(1)
        passwords = dict(line.split(",") for line in (state / "passwords.csv").read_text().split()[1:])
        assert stat.S_IMODE((state / "passwords.csv").stat().st_mode) == 0o600

        assert _login(url, students[0], "wrong-password")[1] is False
        ann, ok = _login(url, students[0], passwords[students[0]])
        assert ok
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:  # the login starts ann's server; lab opens when it is up
            code, page = _get(ann, f"{url}/user/{students[0]}/lab/tree/lessons")
            if code == 200 and "@jupyter/nbgrader" in page:
                break
            time.sleep(1)
        assert code == 200 and "@jupyter/nbgrader" in page  # JupyterLab with nbgrader's extension
        code, body = _get(ann, f"{url}/user/{students[0]}/api/contents/lessons")
        assert code == 200 and "00_orientation.ipynb" in body
        ann_uid = pwd.getpwnam(students[0]).pw_uid
        assert _uid_processes(ann_uid)  # the server runs as ann herself
        workspace = json.loads(_get(ann, f"{url}/user/{students[0]}/lab/api/workspaces/default")[1])
        assert "nbgrader-assignment-list:nbgrader-assignment-list" in json.dumps(workspace)
        code, body = _get(ann, f"{url}/user/{students[1]}/api/contents")
        assert code != 200 and "00_orientation" not in body  # not into bob's server

        settings = json.loads((state / "hub" / "settings.json").read_text())
        request = urllib.request.Request(f"{url}/hub/api/groups",
                                         headers={"Authorization": f"token {settings['service_token']}"})
        groups = {g["name"]: g["users"] for g in json.loads(urllib.request.urlopen(request).read())}
        assert groups["formgrade-sim-msw"] == [f"{tag}-prof"]
        assert sorted(groups["nbgrader-sim-msw"]) == students

        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=120) == 0
        assert _uid_processes(ann_uid) == []  # Ctrl-C stopped every server
        assert "hub stopped" in proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=60)
        main(["classroom", "clean", str(state)])
    assert not state.exists()
    for name in students:
        with pytest.raises(KeyError):
            pwd.getpwnam(name)
