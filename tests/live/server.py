"""Real daphne processes for tests: started on a free port, sharing the test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import Client

from tests.fakes.openai_server import free_port

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The URL of the database this test run uses (the test database, not the real one)."""
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{config['NAME']}"
    user, host, port = config.get("USER") or "postgres", config.get("HOST") or "127.0.0.1", config.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{config['NAME']}"


def server_environment(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a server process started by a test: this run's database, LLM settings and `extra`."""
    inherited = {k: v for k, v in os.environ.items() if settings.REDIS_URL or k != "REDIS_URL"}
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "live_interview.settings",
        "DJANGO_DEBUG": "1",
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url(),
        "OPENAI_API_KEY": settings.OPENAI_API_KEY,
        "OPENAI_BASE_URL": settings.OPENAI_BASE_URL,
        "OPENAI_MODEL": settings.OPENAI_MODEL,
        "LLM_OFFLINE_WORDS_PER_SECOND": "0",
        "PYTHONUNBUFFERED": "1",
        **(extra or {}),
    }


class DaphneProcess:
    """One `daphne` serving live_interview.asgi on 127.0.0.1."""

    def __init__(self, *, env: dict[str, str] | None = None, port: int | None = None) -> None:
        self.port = port or free_port()
        self.extra_env = env or {}
        self.process: subprocess.Popen[bytes] | None = None
        self.log = Path(os.environ.get("TMPDIR", "/tmp")) / f"daphne-{self.port}-{os.getpid()}.log"

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> DaphneProcess:
        env = server_environment(self.extra_env)
        self._log_file = self.log.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(self.port),
                "live_interview.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        # A loaded machine (shared CI, many engineers' test runs) can take longer to import daphne and Django.
        deadline = time.monotonic() + float(os.environ.get("LIVE_SERVER_START_SECONDS", "20"))
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited early:\n{self.log.read_text()[-4000:]}")
            try:
                if self.ready():
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        log = self.log.read_text()[-4000:]
        self.stop(kill=True)  # not left running: it would hold the test database's connections
        raise RuntimeError(f"daphne did not answer on {self.http}:\n{log}")

    def ready(self) -> bool:
        """Whether the server is up: it answers its health check (which also starts its deadline watcher)."""
        with urllib.request.urlopen(f"{self.http}/healthz", timeout=1) as response:
            return response.status == 200

    def stop(self, *, kill: bool = False) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGKILL if kill else signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        self._log_file.close()
        # Captured by pytest and shown only when the test fails: what the server saw.
        print(f"--- daphne :{self.port} log (tail) ---\n{self.log.read_text(errors='replace')[-6000:]}")


def session_cookie(user: Any) -> str:
    """A Cookie header value that logs `user` in (the session is stored in the shared database)."""
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


class WorkerProcess:
    """`manage.py db_worker` (the background task worker) on the same database as the test run.

    Kept running: a task whose rows an earlier test's flush removed ends django-tasks' worker (it cannot
    mark the vanished task failed), which can happen in the middle of a later test. A watcher thread
    starts it again within a fraction of a second, so that test's own tasks still run.
    """

    def __init__(self, *, env: dict[str, str] | None = None) -> None:
        self.extra_env = env or {}
        self.process: subprocess.Popen[bytes] | None = None
        self.log = Path(os.environ.get("TMPDIR", "/tmp")) / f"db-worker-{os.getpid()}-{id(self)}.log"
        self.restarts = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None

    def start(self) -> WorkerProcess:
        self._log_file = self.log.open("ab")
        self._stopping.clear()
        self._spawn()
        self._watcher = threading.Thread(target=self._watch, name="db-worker-watcher", daemon=True)
        self._watcher.start()
        return self

    def _spawn(self) -> None:
        command = [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.2"]
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=server_environment(self.extra_env), stdout=self._log_file, stderr=subprocess.STDOUT
        )

    def _watch(self) -> None:
        while not self._stopping.wait(0.2):
            with self._lock:
                if self._stopping.is_set() or self.process is None or self.process.poll() is None:
                    continue
                self.restarts += 1
                self._spawn()

    def ensure_running(self) -> None:
        """Start the worker again now if it has exited (the watcher would within 0.2 s)."""
        with self._lock:
            if self.process is not None and self.process.poll() is None:
                return
            self._spawn()

    def stop(self) -> None:
        self._stopping.set()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        self._log_file.close()
        print(f"--- db_worker log (tail) ---\n{self.log.read_text(errors='replace')[-4000:]}")
