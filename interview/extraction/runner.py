"""Runs the extraction child process with a wall-clock timeout and turns its outcome into text or a typed error."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from interview.extraction import errors as e
from interview.extraction.errors import ExtractionError
from interview.extraction.limits import Limits
from interview.extraction.sandbox import Sandbox, child_identity, process_make_undumpable

logger = logging.getLogger(__name__)

PROJECT_ROOT: Final = Path(__file__).resolve().parents[2]
WORKER_MODULE: Final = "interview.extraction.worker"
# The child gets a minimal environment: none of the server's secrets reach a process parsing hostile input.
_ENV_PASSTHROUGH: Final = ("PATH", "LANG", "LC_ALL", "TMPDIR")
_STDERR_TAIL: Final = 2000
# Each PDF child can take a few hundred MB and a core: at most this many run at once per server process.
MAX_CONCURRENT_CHILDREN: Final = max(1, min(4, os.cpu_count() or 1))
_slots = threading.BoundedSemaphore(MAX_CONCURRENT_CHILDREN)


@dataclass(frozen=True)
class ChildResult:
    """What the child extracted: the text and, for PDFs, the page count."""

    text: str
    pages: int | None


def run_child(kind: str, data: bytes, limits: Limits, sandbox: Sandbox | None = None) -> ChildResult:
    """Extract `data` in a fresh, isolated child process under `limits`; raise ExtractionError on refusal, timeout or crash."""
    sandbox = sandbox or Sandbox()
    command = [sys.executable, "-m", WORKER_MODULE, kind, limits.to_json()]
    try:
        identity = child_identity(sandbox)
    except ExtractionError as exc:
        logger.error("Extraction child user %r refused: %s", sandbox.child_user, exc.params.get("reason"))
        raise
    if identity is not None:
        command.append(identity.to_arg())
    if sandbox.undumpable:
        # Before the first child exists: a same-user child must not read this process's environment or memory.
        process_make_undumpable()
    if not _slots.acquire(timeout=limits.timeout_seconds):
        raise ExtractionError(e.BUSY)
    try:
        return _run(command, data, limits)
    finally:
        _slots.release()


def _run(command: list[str], data: bytes, limits: Limits) -> ChildResult:
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            cwd=PROJECT_ROOT,
            env=_child_env(),
            start_new_session=True,  # its own process group, so a timeout kills anything it started
        )
        try:
            output, _ = process.communicate(data, timeout=limits.timeout_seconds)
        except subprocess.TimeoutExpired:
            _kill(process)
            raise ExtractionError(e.TIMEOUT, seconds=f"{limits.timeout_seconds:g}") from None
        finally:
            if process.poll() is None:
                _kill(process)
        return _interpret(process.returncode, output, stderr, limits)


def _interpret(returncode: int, output: bytes, stderr: Any, limits: Limits) -> ChildResult:
    try:
        answer = json.loads(output.decode("utf-8")) if output else None
    except (UnicodeDecodeError, ValueError):
        answer = None
    if returncode == 0 and isinstance(answer, dict):
        if answer.get("ok"):
            return ChildResult(text=str(answer["text"]), pages=answer.get("pages"))
        raise ExtractionError(str(answer.get("code", e.DAMAGED)), **(answer.get("params") or {}))
    tail = _tail(stderr)
    logger.warning("Extraction child ended with status %s: %s", returncode, tail)
    if returncode == -signal.SIGXCPU:  # the CPU-time limit
        raise ExtractionError(e.TIMEOUT, seconds=f"{limits.timeout_seconds:g}")
    # Our own timeout kill is handled by the caller, so a SIGKILL here came from the kernel's OOM killer.
    if returncode == -signal.SIGKILL or any(mark in tail for mark in ("MemoryError", "bad_alloc", "out of memory")):
        raise ExtractionError(e.RESOURCES)
    # Any other crash (a segfault, an abort) is the parser failing on this file.
    raise ExtractionError(e.DAMAGED)


def _child_env() -> dict[str, str]:
    env = {name: os.environ[name] for name in _ENV_PASSTHROUGH if name in os.environ}
    env.update(
        PYTHONPATH=str(PROJECT_ROOT),
        PYTHONDONTWRITEBYTECODE="1",
        PYTHONIOENCODING="utf-8",
        PYTHONNOUSERSITE="1",
    )
    return env


def _kill(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def _tail(stderr: Any) -> str:
    stderr.seek(0, os.SEEK_END)
    size = stderr.tell()
    stderr.seek(max(0, size - _STDERR_TAIL))
    return str(stderr.read().decode("utf-8", "replace"))
