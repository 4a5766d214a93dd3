"""The servers under test as child processes: pinned to a core, optionally capped by a CPU cgroup, measured.

CPU time and memory come from /proc (utime+stime, VmRSS); database writes from `bench.asgi`'s stats path.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CGROUP_CPU = Path("/sys/fs/cgroup/cpu")

KINDS = ("relay", "daphne", "uvicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def proc_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads) so far."""
    return proc_cpu_seconds_of(Path(f"/proc/{pid}/stat"))


def proc_main_thread_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process's main thread (the event loop) so far."""
    return proc_cpu_seconds_of(Path(f"/proc/{pid}/task/{pid}/stat"))


def proc_cpu_seconds_of(stat: Path) -> float:
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def proc_threads_cpu_seconds(pid: int) -> dict[str, float]:
    """CPU seconds of each thread of a process so far, by `<name>/<tid>` (the main thread is `main`)."""
    out = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            name = "main" if task.name == str(pid) else f"{(task / 'comm').read_text().strip()}/{task.name}"
            out[name] = proc_cpu_seconds_of(task / "stat")
        except OSError:  # the thread ended meanwhile
            continue
    return out


def proc_rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def uvicorn_available() -> bool:
    try:
        import uvicorn  # noqa: F401
    except ImportError:
        return False
    return True


class CpuCap:
    """A CPU cgroup (v1) limiting its processes to `cores` of CPU time, with a short period to keep stalls small."""

    def __init__(self, name: str, cores: float, period_us: int = 10_000) -> None:
        self.path = CGROUP_CPU / name
        self.path.mkdir(exist_ok=True)
        (self.path / "cpu.cfs_period_us").write_text(str(period_us))
        (self.path / "cpu.cfs_quota_us").write_text(str(int(period_us * cores)))

    @staticmethod
    def available() -> bool:
        return os.access(CGROUP_CPU, os.W_OK) and (CGROUP_CPU / "cpu.cfs_quota_us").exists()

    def add(self, pid: int) -> None:
        (self.path / "cgroup.procs").write_text(str(pid))

    def remove(self) -> None:
        with contextlib.suppress(OSError):
            self.path.rmdir()


class Server:
    """One server process (`relay`, `daphne` or `uvicorn`) on 127.0.0.1, pinned with taskset."""

    def __init__(
        self, kind: str, *, env: dict[str, str], cpus: str, log_dir: Path, upstream: str, window_ms: int,
        cap: CpuCap | None = None, uvicorn_ws: str = "websockets-sansio", relay_parser: str = "sse",
    ) -> None:  # fmt: skip
        self.kind = kind
        self.port = free_port()
        self.env = env
        self.cpus = cpus
        self.cap = cap
        self.log = log_dir / f"{kind}-{self.port}.log"
        self.upstream = upstream
        self.window_ms = window_ms
        self.uvicorn_ws = uvicorn_ws
        self.relay_parser = relay_parser
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def command(self) -> list[str]:
        host, port = "127.0.0.1", str(self.port)
        if self.kind == "relay":
            args = ["bench.relay", "--port", port, "--upstream", self.upstream, "--window-ms", str(self.window_ms)]
            args += ["--parser", self.relay_parser]
        elif self.kind == "daphne":
            args = ["daphne", "-b", host, "-p", port, "bench.asgi:application"]
        elif self.kind == "uvicorn":
            args = ["uvicorn", "bench.asgi:application", "--host", host, "--port", port, "--lifespan", "off"]
            args += ["--no-access-log", "--log-level", "warning", "--ws", self.uvicorn_ws]
        else:
            raise ValueError(f"unknown server kind {self.kind!r}")
        return ["taskset", "-c", self.cpus, sys.executable, "-m", "bench.launch", *args]

    def launch(self) -> int:
        """Start the process (returns its pid); `await ready()` before loading it."""
        self._log_file = self.log.open("wb")
        self.process = subprocess.Popen(
            self.command(), cwd=ROOT, env=self.env, stdout=self._log_file, stderr=subprocess.STDOUT
        )
        if self.cap is not None:
            self.cap.add(self.process.pid)
        return self.process.pid

    async def ready(self, within: float = 60) -> Server:
        """Wait until the server answers, without blocking the generator's event loop."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"{self.kind} exited early:\n{self.log.read_text()[-3000:]}")
            if await asyncio.to_thread(self._ready):
                return self
            await asyncio.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.kind} did not start within {within}s:\n{self.log.read_text()[-3000:]}")

    def _ready(self) -> bool:
        if self.kind == "relay":
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
            return False
        try:
            self.stats(timeout=1)
        except OSError:
            return False
        return True

    def stats(self, timeout: float = 5) -> dict[str, Any]:
        """The bench ASGI module's counters (database writes by table); empty for the relay."""
        if self.kind == "relay":
            return {"writes": {}, "total_writes": 0}
        url = f"http://127.0.0.1:{self.port}/__bench__/stats"
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return orjson.loads(response.read())

    def db_calls(self, since: int, timeout: float = 10) -> tuple[int, list[list[Any]]]:
        """The database calls bench.asgi timed from index `since` on (BENCH_DB_TIMING=1), and the next index."""
        if self.kind == "relay":
            return since, []
        url = f"http://127.0.0.1:{self.port}/__bench__/dbcalls?since={since}"
        with urllib.request.urlopen(url, timeout=timeout) as response:
            body = orjson.loads(response.read())
        return int(body["next"]), body["samples"]

    def threads_cpu_seconds(self) -> dict[str, float]:
        return proc_threads_cpu_seconds(self.pid)

    def cpu_seconds(self) -> float:
        return proc_cpu_seconds(self.pid)

    def loop_cpu_seconds(self) -> float:
        """CPU seconds of the main thread: the event loop, without the database threads."""
        return proc_main_thread_cpu_seconds(self.pid)

    def rss(self) -> int:
        return proc_rss_bytes(self.pid)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        self._log_file.close()
