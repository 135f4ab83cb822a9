"""The JupyterHub configuration of a classroom, written into ``STATE/hub``.

``jupyterhub_config.py`` is a fixed file that reads ``settings.json`` beside it, so the hub can be
restarted with exactly the same configuration (same ports, tokens, users and groups).
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sim.errors import SimError

SERVICE = "sim-classroom"
CHP_VERSION = "5.3.0"
REPO = Path(__file__).resolve().parents[3]

CONFIG = '''"""JupyterHub configuration of a sim classroom (written by sim classroom; settings.json beside it)."""
import json
import os

c = get_config()  # noqa: F821 (provided by traitlets)
HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(HERE, "settings.json"), encoding="utf-8") as f:
    S = json.load(f)

c.JupyterHub.ip = "127.0.0.1"  # this machine only
c.JupyterHub.port = S["port"]
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = S["hub_port"]
c.JupyterHub.db_url = "sqlite:///" + os.path.join(HERE, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(HERE, "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = os.path.join(HERE, "jupyterhub.pid")
c.JupyterHub.cleanup_servers = False  # a restarted hub finds the students' servers still running
c.ConfigurableHTTPProxy.command = [S["proxy_command"]]
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:%d" % S["proxy_api_port"]
c.ConfigurableHTTPProxy.auth_token = S["proxy_token"]
c.ConfigurableHTTPProxy.pid_file = os.path.join(HERE, "proxy.pid")

c.JupyterHub.authenticator_class = "pam"  # each student's own system password
c.Authenticator.allowed_users = set(S["students"]) | {S["instructor"]}
c.JupyterHub.load_groups = {
    "formgrade-" + S["course_id"]: {"users": [S["instructor"]]},  # nbgrader's graders of the course
    "nbgrader-" + S["course_id"]: {"users": S["students"]},  # nbgrader's students of the course
}
c.JupyterHub.services = [{"name": S["service"], "api_token": S["service_token"]}]
c.JupyterHub.load_roles = [
    {"name": "sim-classroom", "services": [S["service"]],
     "scopes": ["admin:users", "admin:servers", "access:servers", "admin:groups", "tokens"]},
    {"name": "formgrade-" + S["course_id"], "groups": ["formgrade-" + S["course_id"]],
     "scopes": ["list:users", "read:users:name", "read:groups"]},
]

c.JupyterHub.spawner_class = "localprocess" if os.geteuid() == 0 else "simple"
c.Spawner.cmd = [S["singleuser"]]
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = "/lab/tree/lessons"
c.Spawner.start_timeout = 600  # generous: a shared 2-core machine may be busy
c.Spawner.http_timeout = 600
c.Spawner.poll_interval = 5
c.Spawner.environment = dict(S["environment"])


def pre_spawn_hook(spawner):
    """The instructor's server reads the course's config (formgrader); students read theirs."""
    role = "instructor" if spawner.user.name == S["instructor"] else "student"
    spawner.environment["JUPYTER_CONFIG_PATH"] = os.path.join(S["state"], "config", role)


c.Spawner.pre_spawn_hook = pre_spawn_hook
'''


class HubConfigError(SimError):
    """The hub cannot be configured (a missing program)."""


@dataclass
class HubSettings:
    """Everything ``jupyterhub_config.py`` reads from ``settings.json``."""

    state: str
    course_id: str
    instructor: str
    students: list[str]
    port: int
    hub_port: int
    proxy_api_port: int
    proxy_command: str
    singleuser: str
    service: str = SERVICE
    service_token: str = field(default_factory=lambda: secrets.token_hex(32))
    proxy_token: str = field(default_factory=lambda: secrets.token_hex(32))
    environment: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def find_proxy() -> str:
    """``configurable-http-proxy``: ``$SIM_CHP``, the project's pinned install, or ``PATH``."""
    local = REPO / "tools" / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"
    for candidate in (os.environ.get("SIM_CHP"), str(local), shutil.which("configurable-http-proxy")):
        if candidate and Path(candidate).exists():
            return str(Path(candidate).resolve())
    raise HubConfigError("configurable-http-proxy (JupyterHub's proxy, from npm) was not found; install the pinned "
                         f"{CHP_VERSION} with 'npm ci --prefix tools/proxy' in {REPO}, or set SIM_CHP to its path")


def singleuser_command() -> str:
    """``jupyterhub-singleuser`` of this interpreter's environment."""
    path = Path(sys.executable).parent / "jupyterhub-singleuser"
    if not path.exists():
        raise HubConfigError(f"{path} is missing: install the project (make install) so jupyterhub is in the venv")
    return str(path)


def hub_dir(state: Path) -> Path:
    return state / "hub"


def write_hub_config(settings: HubSettings) -> Path:
    """Write ``jupyterhub_config.py`` and ``settings.json`` (mode 0600: it holds tokens)."""
    folder = hub_dir(Path(settings.state))
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    (folder / "jupyterhub_config.py").write_text(CONFIG, encoding="utf-8")
    path = folder / "settings.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(asdict(settings), f, indent=1)
    return folder / "jupyterhub_config.py"


def read_settings(state: Path) -> HubSettings:
    data = json.loads((hub_dir(state) / "settings.json").read_text(encoding="utf-8"))
    return HubSettings(**data)


def write_nbgrader_configs(state: Path, course_root: Path, course_id: str, exchange: Path) -> None:
    """nbgrader config for students (course id, exchange) and for the instructor (plus the course
    folder, for formgrader); students' servers do not load the instructor's extensions."""
    common = (f"c = get_config()  # noqa: F821\nc.CourseDirectory.course_id = {course_id!r}\n"
              f"c.Exchange.root = {str(exchange)!r}\n")
    student = state / "config" / "student"
    instructor = state / "config" / "instructor"
    for folder in (student, instructor):
        folder.mkdir(parents=True, exist_ok=True)
        folder.parent.chmod(0o755)
        folder.chmod(0o755)
    (student / "nbgrader_config.py").write_text(common, encoding="utf-8")
    (instructor / "nbgrader_config.py").write_text(
        common + f"c.CourseDirectory.root = {str(course_root)!r}\n", encoding="utf-8")
    off = {"jupyter_lsp": False, "nbgrader.server_extensions.formgrader": False,
           "nbgrader.server_extensions.course_list": False, "nbgrader.server_extensions.create_assignment": False}
    (student / "jupyter_server_config.json").write_text(
        json.dumps({"ServerApp": {"jpserver_extensions": off}}, indent=1), encoding="utf-8")
    labconfig = student / "labconfig"
    labconfig.mkdir(exist_ok=True)
    labconfig.chmod(0o755)
    (labconfig / "page_config.json").write_text(json.dumps({"disabledExtensions": {
        "@jupyter/nbgrader:formgrader": True, "@jupyter/nbgrader:create-assignment": True,
        "@jupyter/nbgrader:course-list": True}}, indent=1), encoding="utf-8")
    for folder in (student, instructor, labconfig):
        for f in folder.iterdir():
            f.chmod(0o644 if f.is_file() else 0o755)
