"""The extraction child, taken over by a hostile document, cannot reach the server's secrets.

The real runner starts the real worker with one more extractor (tests/fakes/extraction_probe.py)
that tries what an exploit would: read its parent's /proc/<pid>/environ and open its /mem. As root
(CI, the dev machine) the child must have switched to an unprivileged user; as any other user the
server must be undumpable. Both are checked with a server process whose own environment holds the
secrets, as root and, where a Python runnable by `nobody` exists, as `nobody`.
"""

from __future__ import annotations

import errno
import json
import os
import pwd
import shutil
import subprocess
import sys

import pytest

from interview.documents.services import extraction_sandbox
from interview.extraction import ExtractionError, Limits, runner
from interview.extraction.runner import run_child
from interview.extraction.sandbox import Sandbox

PROBE_MODULE = "tests.fakes.extraction_probe"
SECRET = "s3cret-never-in-a-child-7f3a"
DENIED = {errno.EACCES, errno.EPERM}
SECRET_ENV = {
    "DJANGO_SECRET_KEY": SECRET,
    "OPENAI_API_KEY": f"sk-{SECRET}",
    "DATABASE_URL": f"postgres://app:{SECRET}@db:5432/app",
    "REDIS_URL": f"redis://:{SECRET}@cache:6379/0",
}
SERVER_SCRIPT = """
import json, sys
from interview.extraction import runner
from interview.extraction.limits import Limits
from interview.extraction.sandbox import Sandbox, process_is_dumpable
runner.WORKER_MODULE = "tests.fakes.extraction_probe"
sandbox = Sandbox(undumpable=sys.argv[1] == "1")
report = json.loads(runner.run_child("probe", b"x", Limits(), sandbox).text)
print(json.dumps({"child": report, "server_dumpable": process_is_dumpable()}))
"""
ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="needs root")


def probe(monkeypatch: pytest.MonkeyPatch, sandbox: Sandbox | None = None) -> dict:
    monkeypatch.setattr(runner, "WORKER_MODULE", PROBE_MODULE)
    return json.loads(run_child("probe", b"x", Limits(), sandbox).text)


def serve(*, python: str = sys.executable, undumpable: bool = True, **popen: object) -> dict:
    """Run a stand-in server whose own environment holds the secrets, and return what its child reached."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(runner.PROJECT_ROOT), **SECRET_ENV}
    argv = [python, "-c", SERVER_SCRIPT, "1" if undumpable else "0"]
    done = subprocess.run(
        argv, env=env, cwd=runner.PROJECT_ROOT, capture_output=True, text=True, timeout=60, check=False, **popen
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def nobody_python() -> str | None:
    """A Python outside /root that `nobody` may run (the test venv's may live in root's home)."""
    python = shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin")
    if os.geteuid() != 0 or python is None:
        return None
    done = subprocess.run(
        [python, "-c", "import interview.extraction.runner"], cwd=runner.PROJECT_ROOT, capture_output=True,
        env={"PYTHONPATH": str(runner.PROJECT_ROOT)}, user=65534, group=65534, extra_groups=[], check=False,
    )  # fmt: skip
    return python if done.returncode == 0 else None


def test_child_cannot_open_parent_environ(monkeypatch):
    attempt = probe(monkeypatch)["parent_environ"]
    assert not attempt["opened"] and attempt["errno"] in DENIED


def test_child_cannot_open_parent_mem(monkeypatch):
    attempt = probe(monkeypatch)["parent_mem"]
    assert not attempt["opened"] and attempt["errno"] in DENIED


def test_child_environment_holds_no_server_secret(monkeypatch):
    for name, value in SECRET_ENV.items():
        monkeypatch.setenv(name, value)
    env = probe(monkeypatch)["env"]
    assert not set(SECRET_ENV) & set(env) and SECRET not in json.dumps(env)


def test_child_environment_only_what_it_needs(monkeypatch):
    monkeypatch.setenv("HOME", "/root")
    allowed = {"PATH", "LANG", "LC_ALL", "TMPDIR", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "PYTHONIOENCODING"}
    allowed |= {"PYTHONNOUSERSITE", "LC_CTYPE"}  # LC_CTYPE: Python's own C-locale coercion may add it
    assert set(probe(monkeypatch)["env"]) <= allowed


@ROOT_ONLY
def test_child_of_root_server_runs_as_unprivileged_user(monkeypatch):
    report = probe(monkeypatch)
    assert (report["uid"], report["gid"], report["groups"]) == (65534, 65534, [])


@ROOT_ONLY
def test_child_user_setting_names_the_user(monkeypatch):
    daemon = pwd.getpwnam("daemon")
    report = probe(monkeypatch, Sandbox(child_user="daemon"))
    assert (report["uid"], report["gid"]) == (daemon.pw_uid, daemon.pw_gid)


@ROOT_ONLY
def test_child_user_unknown_refused_before_any_child_starts(monkeypatch):
    with pytest.raises(ExtractionError) as caught:
        probe(monkeypatch, Sandbox(child_user="no-such-user-here"))
    assert caught.value.code == "unavailable"


@ROOT_ONLY
def test_child_user_root_refused(monkeypatch):
    with pytest.raises(ExtractionError) as caught:
        probe(monkeypatch, Sandbox(child_user="0"))
    assert caught.value.code == "unavailable"


def test_server_secret_out_of_child_reach():
    reached = serve()["child"]
    assert not reached["parent_environ"]["opened"] and SECRET not in json.dumps(reached)


def test_server_undumpable_after_spawning_child():
    assert serve()["server_dumpable"] is False


def test_server_stays_dumpable_when_undumpable_is_off():
    assert serve(undumpable=False)["server_dumpable"] is True


def test_server_secret_out_of_reach_of_same_user_child():
    python = nobody_python()
    if python is None:
        pytest.skip("needs root and a system Python that nobody may run")
    reached = serve(python=python, user=65534, group=65534, extra_groups=[])["child"]
    assert reached["uid"] == 65534 and not reached["parent_environ"]["opened"] and SECRET not in json.dumps(reached)


def test_same_user_child_reads_dumpable_server_secret():
    """The control for the test above: without the undumpable flag, a same-user child reads the secret."""
    python = nobody_python()
    if python is None:
        pytest.skip("needs root and a system Python that nobody may run")
    reached = serve(python=python, undumpable=False, user=65534, group=65534, extra_groups=[])["child"]
    assert SECRET in reached["parent_environ"]["content"]


def test_extraction_sandbox_follows_settings(settings):
    settings.UNDUMPABLE = False
    settings.EXTRACTION_CHILD_USER = "daemon"
    assert extraction_sandbox() == Sandbox(undumpable=False, child_user="daemon")
