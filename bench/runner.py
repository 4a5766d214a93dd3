"""The benchmark's phases: per server a fixed load, a capacity search and an idle-memory test; then scaling."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench import fixtures
from bench.calibrate import cpu_loop
from bench.capacity import CapacitySearch
from bench.load import Step, StepConfig, idle_memory
from bench.report import step_summary
from bench.servers import ROOT, CpuCap, Server, uvicorn_available
from bench.upstream import Upstream

# Environment the benchmark sets itself for the servers; inherited values of these are dropped.
OWNED_ENV_PREFIXES = ("DJANGO_", "OPENAI_", "LLM_", "STREAM_", "CHANNEL_", "KEY_QUESTION_", "DEADLINE_")
OWNED_ENV = {"DATABASE_URL", "REDIS_URL"}
USER_POOL = 200
# Busy CPU of processes other than the servers and the generator worth a note (PostgreSQL at S=50 is ~0.1).
OTHER_CPU_NOTE = 0.35
UVICORN_PIN = "uvicorn==0.54.0"


@dataclass
class Options:
    target: str = "127.0.0.1"
    servers: list[str] = field(default_factory=lambda: ["relay", "daphne", "uvicorn"])
    sessions: int = 50
    observers: int = 1
    rate: float = 50.0
    tokens: int = 100
    first_token_ms: float = 200.0
    think_ms: tuple[float, float] = (200.0, 400.0)
    duration: float = 15.0
    warmup: float = 1.5
    ramp: float = 1.0
    capacity: bool = True
    capacity_duration: float = 8.0
    capacity_max: int = 600
    capacity_factor: float = 1.5
    refine: int = 2
    idle_sessions: int = 2000
    fresh_idle_server: bool = True
    idle_wait: float = 2.0
    coalesce_ms: int = 30
    bound_ms: float = 100.0
    database_url: str = ""
    redis_url: str = ""
    redis_layer: str = ""
    scaling: bool = False
    scaling_only: bool = False
    scaling_cores: float = 0.5
    scaling_start: int = 20
    time_limit: float = 900.0
    out: str = ""
    smoke: bool = False
    pin: bool = True
    uvicorn_ws: str = "websockets-sansio"
    relay_parser: str = "sse"
    profile: bool = False
    warm: bool = True
    # Other CPU on the server's core above which the run is not valid (None: not checked, the smoke run).
    other_cpu_limit: float | None = 0.04
    calibration_drift: float | None = 0.20
    # Time every database call of the servers (queue wait, run, statements): bench.asgi, BENCH_DB_TIMING=1.
    db_timing: bool = False
    # The chats' max_follow_ups: with 1, every answer to a key question waits for one decision call.
    follow_ups: int = 0
    calibrate: bool = True
    # Extra environment of the product servers (--server-env NAME=VALUE), applied last.
    server_env: dict[str, str] = field(default_factory=dict)
    calibration_runs: int = 3
    # Search the servers' capacities one step of each in turn (all servers up), not one server after another.
    alternate: bool = True


class Bench:
    def __init__(self, options: Options) -> None:
        self.o = options
        self.started = time.perf_counter()
        self.deadline = self.started + options.time_limit
        self.run_id = secrets.token_hex(3)
        self.tmp = Path(tempfile.mkdtemp(prefix="bench-"))
        self.secret = secrets.token_urlsafe(48)
        self.database_url = ""
        self.live: list[Server] = []
        self.caps: list[CpuCap] = []
        self.cookies: list[tuple[int, str]] = []
        self.admin_cookie = ""
        self.chat_counter = 0
        self.relay_ids = 1
        self.problems: list[str] = []
        self.upstream = Upstream(
            rate=options.rate, tokens=options.tokens, first_token_delay=options.first_token_ms / 1000
        )
        self.results: dict[str, Any] = {"meta": {}, "servers": {}, "problems": self.problems}

    # --- top level ---------------------------------------------------------------------------------

    async def run(self) -> dict[str, Any]:
        self.results["meta"] = self._meta()
        if self.o.calibrate:
            core = 0 if self.results["meta"]["pinned"] else None
            self.results["meta"]["calibration"] = {
                "cpu_loop": await asyncio.to_thread(cpu_loop, core=core, runs=self.o.calibration_runs)
            }
            _log(f"calibration: {self.results['meta']['calibration']['cpu_loop']}")
        await self.upstream.start()
        try:
            if any(kind != "relay" for kind in self.o.servers) or self.o.scaling:
                await asyncio.to_thread(self._db_setup)
                _log("database ready")
            # Django and the fixtures stay loaded for the whole run: keep the collector's full passes off them.
            gc.collect()
            gc.freeze()
            if not self.o.scaling_only:
                # Capacities compared as ratios are searched step by step in turn (a drifting machine slows both).
                later: dict[str, tuple[Server, dict[str, Any]]] | None = (
                    {} if self.o.alternate and len(self.o.servers) > 1 else None
                )
                for kind in self.o.servers:
                    self.results["servers"][kind] = await self._suite(kind, later=later)
                if later:
                    await self._alternate(later)
            if self.o.scaling:
                self.results["scaling"] = await self._scaling()
        finally:
            self.shutdown()
            await self.upstream.stop()
            if self.o.redis_url:  # channel-layer keys of this run (the core layer keeps groups for a day)
                await asyncio.to_thread(_redis_cleanup, self.o.redis_url, f"bench{self.run_id}")
        self._ratios()
        relay_capacity = (self.results["servers"].get("relay", {}).get("capacity") or {}).get("sessions")
        self.results["meta"].setdefault("calibration", {})["relay_capacity"] = relay_capacity
        self.results["meta"]["seconds"] = round(time.perf_counter() - self.started, 1)
        self.results["meta"]["loadavg_end"] = os.getloadavg()
        return self.results

    def shutdown(self) -> None:
        """Stop every server this run started and remove its cgroups."""
        for server in list(self.live):
            with contextlib.suppress(Exception):
                server.stop()
        self.live.clear()
        for cap in self.caps:
            cap.remove()
        self.caps.clear()

    def _meta(self) -> dict[str, Any]:
        def version(name: str) -> str | None:
            from importlib.metadata import PackageNotFoundError
            from importlib.metadata import version as v

            try:
                return v(name)
            except PackageNotFoundError:
                return None

        return {
            "options": asdict(self.o),
            "python": platform.python_version(),
            "versions": {
                n: version(n)
                for n in ("Django", "channels", "channels-redis", "daphne", "uvicorn", "websockets", "openai")
            },
            "commit": _commit(),
            "cpus": os.cpu_count(),
            "pinned": self.o.pin and (os.cpu_count() or 1) >= 2,
            "loadavg_start": os.getloadavg(),
            "run_id": self.run_id,
            "database": ("postgresql" if self.o.database_url.startswith("postgres") else "sqlite")
            + (" + redis" if self.o.redis_url else ""),
        }

    # --- database and environment -------------------------------------------------------------------

    def _db_setup(self) -> None:
        self.database_url = self.o.database_url or f"sqlite:///{self.tmp / 'bench.sqlite3'}"
        try:
            fixtures.django_setup(database_url=self.database_url, secret_key=self.secret)
            if removed := fixtures.earlier_runs_remove():
                _log(f"removed {removed} users (and their chats) of earlier runs from the database")
            pool = min(USER_POOL, max(self.o.sessions, self.o.idle_sessions, 1))
            self.cookies = fixtures.users_create(prefix=f"bench{self.run_id}", count=pool)
            self.admin_cookie = fixtures.users_create(prefix=f"bench{self.run_id}-admin", count=1, admin=True)[0][1]
        finally:
            fixtures.close_connections()

    def _users_add(self, count: int) -> None:
        try:
            self.cookies += fixtures.users_create(prefix=f"bench{self.run_id}-{len(self.cookies)}", count=count)
        finally:
            fixtures.close_connections()

    def _env(self, *, redis_url: str = "", prefix: str = "") -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in OWNED_ENV and not k.startswith(OWNED_ENV_PREFIXES)}
        env.update(
            DJANGO_SETTINGS_MODULE="live_interview.settings",
            DJANGO_DEBUG="0",
            DJANGO_SITE_URL="http://127.0.0.1",
            DJANGO_SECRET_KEY=self.secret,
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DJANGO_SECURE_SSL_REDIRECT="0",
            DJANGO_LOG_LEVEL="WARNING",
            DATABASE_URL=self.database_url,
            OPENAI_API_KEY="sk-bench",
            OPENAI_BASE_URL=self.upstream.base_url,
            OPENAI_MODEL="bench-model",
            LLM_PROVIDER_NAME="",  # the consent label the bench users agreed to (bench/fixtures.py)
            LLM_FIRST_TOKEN_TIMEOUT="30",
            LLM_CHUNK_GAP_TIMEOUT="30",
            STREAM_COALESCE_MS=str(self.o.coalesce_ms),
            PYTHONUNBUFFERED="1",
            PYTHONPATH=str(ROOT),
        )
        if self.o.db_timing:
            env.update(BENCH_DB_TIMING="1")
        env.update(self.o.server_env)
        if redis_url:
            env.update(REDIS_URL=redis_url, CHANNEL_PREFIX=prefix)
            if self.o.redis_layer:
                env.update(CHANNEL_REDIS_LAYER=self.o.redis_layer)
        return env

    async def _start(self, kind: str, *, env: dict[str, str] | None = None, cap: CpuCap | None = None) -> Server:
        if env is None:  # the suites run the servers as deployed: on Redis when the run was given one
            env = (
                self._env(redis_url=self.o.redis_url, prefix=f"bench{self.run_id}{kind}")
                if kind != "relay"
                else self._env()
            )
        server = Server(
            kind, env=env, cpus="0" if self.results["meta"]["pinned"] else "0-1023", log_dir=self.tmp,
            upstream=self.upstream.base_url, window_ms=self.o.coalesce_ms, cap=cap, uvicorn_ws=self.o.uvicorn_ws,
            relay_parser=self.o.relay_parser,
        )  # fmt: skip
        self.live.append(server)
        self.results["meta"].setdefault("server_pids", []).append(server.launch())
        return await server.ready()

    def _stop(self, server: Server) -> None:
        server.stop()
        if server in self.live:
            self.live.remove(server)

    async def _chats(self, kind: str, count: int) -> list[int]:
        if kind == "relay":
            first, self.relay_ids = self.relay_ids, self.relay_ids + count
            return list(range(first, first + count))
        self.chat_counter += 1
        if count > len(self.cookies):
            # One user per streaming session: users sharing one would meet MAX_CONCURRENT_GENERATIONS_PER_USER.
            await asyncio.to_thread(self._users_add, count - len(self.cookies))
        user_ids = [self.cookies[i % len(self.cookies)][0] for i in range(count)]
        turn = self.o.first_token_ms / 1000 + self.o.tokens / self.o.rate + self.o.think_ms[0] / 1000
        questions = int((max(self.o.duration, self.o.capacity_duration) + 30) / turn) + 5

        def create() -> list[int]:
            try:
                return fixtures.chats_create(
                    user_ids=user_ids, questions=questions, time_limit=3600, title=f"b{self.run_id}-{self.chat_counter}",
                    max_follow_ups=self.o.follow_ups,
                )  # fmt: skip
            finally:
                fixtures.close_connections()

        return await asyncio.to_thread(create)

    def _stored(self, chat_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
        try:
            return fixtures.stored_messages(chat_ids)
        finally:
            fixtures.close_connections()

    # --- steps ---------------------------------------------------------------------------------------

    def _remaining(self) -> float:
        return self.deadline - time.perf_counter()

    def _step_estimate(self, sessions: int, duration: float) -> float:
        sockets = sessions * (1 + self.o.observers)
        turn = self.o.first_token_ms / 1000 + self.o.tokens / self.o.rate
        return sockets / 150 + self.o.ramp + self.o.warmup + duration + turn + 3

    async def _step(self, kind: str, servers: list[Server], sessions: int, duration: float) -> dict[str, Any]:
        config = StepConfig(
            sessions=sessions, observers=self.o.observers, duration=duration, warmup=self.o.warmup, ramp=self.o.ramp,
            think=(self.o.think_ms[0] / 1000, self.o.think_ms[1] / 1000), window=self.o.coalesce_ms / 1000,
            db_timing=self.o.db_timing,
        )  # fmt: skip
        chat_ids = await self._chats(kind, sessions)
        cookies = [cookie for _, cookie in self.cookies] or [""]
        step = Step(servers=servers, upstream=self.upstream, config=config, chat_ids=chat_ids, cookies=cookies,
                    observer_cookie=self.admin_cookie, stored=None if kind == "relay" else self._stored)  # fmt: skip
        # The generator's collector must not pause it while it measures (a 120 ms full pass delayed every
        # receipt behind it and read as the server's TTFT): what the fixtures and earlier steps left is
        # collected and frozen now, so the step's own collections scan only what the step allocates.
        gc.collect()
        gc.freeze()
        result = await step.run()
        summary = step_summary(sessions=sessions, observers=self.o.observers, result=result,
                               window_ms=self.o.coalesce_ms, bound_ms=self.o.bound_ms)  # fmt: skip
        _log(f"  {kind} S={sessions}: p99 {summary['added_p99_ms']} ms, {summary['tokens_per_second']} tok/s, "
             f"server CPU {summary['server_cpu_fraction']} (loop {summary['server_loop_cpu_fraction']}), generator CPU {summary['generator_cpu_fraction']} (its core {summary['generator_core_busy_fraction']}), other CPU {summary['other_cpu_fraction']} (on the server's core {summary['server_core_other_fraction']}), "
             f"errors {summary['errors']}, invalid {summary['invalid_count']}")  # fmt: skip
        # When pinned, only what ran on the server's core disturbs it (PostgreSQL and Redis sit on the generator's).
        other = summary["server_core_other_fraction"]
        other = summary["other_cpu_fraction"] if other is None else other
        if other > OTHER_CPU_NOTE:
            self.problems.append(
                f"{kind} S={sessions}: other processes kept {other} of the server's core(s) busy"
                " (database, Redis or something else on the machine); its numbers may be disturbed"
            )
        await self._settle(servers)
        return summary

    async def _settle(self, servers: list[Server], within: float = 8.0) -> None:
        """Wait until the servers are nearly idle, so one step's backlog does not bleed into the next."""
        end = time.perf_counter() + within
        while time.perf_counter() < end:
            before = sum(s.cpu_seconds() for s in servers)
            await asyncio.sleep(0.3)
            if (sum(s.cpu_seconds() for s in servers) - before) / 0.3 < 0.15 * len(servers):
                return

    async def _suite(
        self, kind: str, *, later: dict[str, tuple[Server, dict[str, Any]]] | None = None
    ) -> dict[str, Any]:
        """Measure one server: the fixed step, idle memory, capacity. With `later`, the server stays up for
        the alternating capacity searches (`_alternate`), which finish its suite."""
        if kind == "uvicorn" and not uvicorn_available():
            return {"skipped": f"uvicorn is not installed ({UVICORN_PIN})"}
        _log(f"{kind}: starting")
        out: dict[str, Any] = {}
        if self.o.calibrate:  # the machine's speed now: a shared host can change it between servers
            core = 0 if self.results["meta"]["pinned"] else None
            out["calibration"] = await asyncio.to_thread(cpu_loop, core=core, runs=self.o.calibration_runs)
            _log(f"  {kind}: calibration {out['calibration']}")
        try:
            server = await self._start(kind)
            if self.o.warm:
                await self._step(kind, [server], 2, 1.0)
            profiler = self._profile(kind, server)
            out["fixed"] = await self._step(kind, [server], self.o.sessions, self.o.duration)
            if profiler is not None:
                out["profile"] = await asyncio.to_thread(_profile_finish, *profiler)
            if self.o.idle_sessions and not self.o.fresh_idle_server:
                out["idle"] = await self._idle(kind, server)
            if later is not None and self.o.capacity:
                later[kind] = (server, out)
                return out
            if self.o.capacity:
                out["capacity"] = await self._capacity(kind, [server], out["fixed"])
            await self._suite_end(kind, server, out)
        except Exception as exc:  # report what failed and go on with the next server
            self._failed(kind, out, exc)
        return self._judged(out)

    async def _alternate(self, later: dict[str, tuple[Server, dict[str, Any]]]) -> None:
        """The capacity searches of the servers kept up by `_suite`, one step of each in turn, then their ends."""
        _log(f"capacity, alternating: {', '.join(later)}")
        try:
            found = await self._capacities({kind: ([server], out["fixed"]) for kind, (server, out) in later.items()})
        except Exception as exc:
            for kind, (_, out) in later.items():
                self._failed(kind, out, exc)
            found = {}
        for kind, (server, out) in later.items():
            if kind in found:
                out["capacity"] = found[kind]
            try:
                await self._suite_end(kind, server, out)
            except Exception as exc:
                self._failed(kind, out, exc)
            self._judged(out)

    async def _suite_end(self, kind: str, server: Server, out: dict[str, Any]) -> None:
        self._stop(server)
        if self.o.idle_sessions and self.o.fresh_idle_server:
            if self._remaining() > 30 + self.o.idle_sessions / 100:
                server = await self._start(kind)
                await self._step(kind, [server], 1, 0.5)
                out["idle"] = await self._idle(kind, server)
                self._stop(server)
            else:
                out["idle"] = {"skipped": "not enough time left"}

    def _failed(self, kind: str, out: dict[str, Any], exc: Exception) -> None:
        self.problems.append(f"{kind}: {type(exc).__name__}: {exc}")
        out["error"] = f"{type(exc).__name__}: {exc}"

    @staticmethod
    def _judged(out: dict[str, Any]) -> dict[str, Any]:
        steps = [out.get("fixed"), *((out.get("capacity") or {}).get("ladder", []))]
        # Wrong or out-of-order text is never acceptable; a ladder step too loaded to drain only fails capacity.
        fixed_drained = (out.get("fixed") or {}).get("drained", False)
        out["valid"] = "error" not in out and fixed_drained and all(s["invalid_count"] == 0 for s in steps if s)
        return out

    def _profile(self, kind: str, server: Server) -> tuple[subprocess.Popen[bytes], Path] | None:
        """Sample the server with py-spy during the fixed step (--profile), into collapsed stacks."""
        py_spy = _py_spy()
        if not self.o.profile or py_spy is None:
            return None
        output = self.tmp / f"{kind}-profile.txt"
        seconds = int(self.o.ramp + self.o.warmup + self.o.duration + 2)
        command = [py_spy, "record", "--pid", str(server.pid), "--duration", str(seconds), "--rate", "250",
                   "--format", "raw", "--nonblocking", "--gil", "--threads", "--output", str(output)]  # fmt: skip
        return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), output

    async def _idle(self, kind: str, server: Server) -> dict[str, Any]:
        count = self.o.idle_sessions
        _log(f"  {kind}: {count} idle sessions")
        chat_ids = await self._chats(kind, count)
        cookies = [cookie for _, cookie in self.cookies] or [""]
        result = await idle_memory(server=server, chat_ids=chat_ids, cookies=cookies, wait=self.o.idle_wait)
        _log(f"  {kind}: idle {result}")
        await self._settle([server])
        return result

    async def _capacity(self, kind: str, servers: list[Server], first: dict[str, Any]) -> dict[str, Any]:
        """The largest S whose p99 server-added latency stays within the bound (ladder up by a factor, then bisect)."""
        return (await self._capacities({kind: (servers, first)}))[kind]

    async def _capacities(self, runs: dict[str, tuple[list[Server], dict[str, Any]]]) -> dict[str, dict[str, Any]]:
        """Several servers' capacity searches, one step of each in turn (all their servers stay up meanwhile)."""
        searches = {
            kind: CapacitySearch(first, factor=self.o.capacity_factor, top=self.o.capacity_max, refine=self.o.refine)
            for kind, (_, first) in runs.items()
        }
        while True:
            asked = {kind: search.next_sessions() for kind, search in searches.items()}
            asked = {kind: sessions for kind, sessions in asked.items() if sessions is not None}
            if not asked:
                break
            for kind, sessions in asked.items():
                if self._remaining() < self._step_estimate(sessions, self.o.capacity_duration) + 20:
                    searches[kind].stop("time")
                    continue
                searches[kind].record(await self._step(kind, runs[kind][0], sessions, self.o.capacity_duration))
        return {kind: search.result() for kind, search in searches.items()}

    # --- two processes on Redis -----------------------------------------------------------------------

    async def _scaling(self) -> dict[str, Any]:
        if not self.o.redis_url:
            return {"skipped": "needs --redis-url"}
        if not CpuCap.available():
            return {"skipped": "no writable cgroup v1 cpu controller to give each process the same CPU budget"}
        prefix = f"bench{self.run_id}"
        env = self._env(redis_url=self.o.redis_url, prefix=prefix)
        out: dict[str, Any] = {"cores_per_process": self.o.scaling_cores, "channel_prefix": prefix}
        for count in (1, 2):
            _log(f"scaling: {count} daphne process(es) on Redis, {self.o.scaling_cores} core each")
            caps = [CpuCap(f"bench-{self.run_id}-{count}-{i}", self.o.scaling_cores) for i in range(count)]
            self.caps.extend(caps)
            servers = [await self._start("daphne", env=env, cap=cap) for cap in caps]
            try:
                if self.o.warm:
                    await self._step("daphne", servers, 2 * count, 1.0)
                sessions = self.o.scaling_start * count
                first = await self._step("daphne", servers, sessions, self.o.capacity_duration)
                out[f"processes_{count}"] = await self._capacity("daphne", servers, first)
            finally:
                for server in servers:
                    self._stop(server)
                for cap in caps:
                    cap.remove()
        one, two = out.get("processes_1", {}), out.get("processes_2", {})
        if one.get("tokens_per_second") and two.get("tokens_per_second"):
            out["ratio"] = round(two["tokens_per_second"] / one["tokens_per_second"], 2)
            limited = [f"{n} process(es): {c['bound']}" for n, c in (("1", one), ("2", two)) if c["bound"] != "latency"]
            out["note"] = ("capacity limited by " + ", ".join(limited)) if limited else ""
        return out

    def _ratios(self) -> None:
        relay = self.results["servers"].get("relay", {})
        relay_capacity = (relay.get("capacity") or {}).get("sessions")
        relay_fixed = relay.get("fixed") or {}
        for kind, server in self.results["servers"].items():
            if kind == "relay" or not server.get("fixed"):
                continue
            ratios: dict[str, Any] = {}
            capacity = (server.get("capacity") or {}).get("sessions")
            if capacity and relay_capacity:
                ratios["capacity"] = round(capacity / relay_capacity, 2)
            cpu, relay_cpu = (
                server["fixed"].get("server_cpu_s_per_1k_tokens"),
                relay_fixed.get("server_cpu_s_per_1k_tokens"),
            )
            if cpu and relay_cpu:
                ratios["cpu_per_token"] = round(cpu / relay_cpu, 2)
            p99, relay_p99 = server["fixed"].get("added_p99_ms"), relay_fixed.get("added_p99_ms")
            if p99 and relay_p99:
                ratios["p99_latency"] = round(p99 / relay_p99, 2)
            server["vs_relay"] = ratios


def _py_spy() -> str | None:
    """py-spy from this interpreter's environment (make install puts it in .venv/bin), else from PATH."""
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


def _profile_finish(process: subprocess.Popen[bytes], output: Path) -> dict[str, Any]:
    """Wait for py-spy and summarise its samples: the functions with the most samples, self and inclusive."""
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        return {"error": "py-spy did not finish"}
    if not output.exists():
        return {"error": "py-spy wrote nothing (ptrace not permitted?)"}
    own: dict[str, int] = {}
    inclusive: dict[str, int] = {}
    total = 0
    for line in output.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        samples = int(count)
        frames = [frame.split(" (")[0] + " " + frame.rsplit("/", 1)[-1].rstrip(")") for frame in stack.split(";")]
        total += samples
        own[frames[-1]] = own.get(frames[-1], 0) + samples
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + samples

    def top(counts: dict[str, int]) -> list[tuple[str, float]]:
        ranked = sorted(counts.items(), key=lambda item: -item[1])[:25]
        return [(name, round(100 * n / max(1, total), 1)) for name, n in ranked]

    return {"file": str(output), "samples": total, "self_percent": top(own), "inclusive_percent": top(inclusive)}


def _commit() -> str | None:
    """The checked-out commit, read from .git directly (no git process), or None."""
    git = ROOT / ".git"
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head[:12]
        ref = head[5:]
        if (git / ref).exists():
            return (git / ref).read_text().strip()[:12]
        for line in (git / "packed-refs").read_text().splitlines():
            if line.endswith(" " + ref):
                return line[:12]
    except OSError:
        pass
    return None


def _redis_cleanup(url: str, prefix: str) -> None:
    """Delete the keys this run left in Redis (groups live for a day otherwise)."""
    try:
        import redis

        client = redis.Redis.from_url(url)
        keys = list(client.scan_iter(f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
        client.close()
    except Exception as exc:  # cleanup must not hide the results
        _log(f"redis cleanup failed: {exc!r}")


_T0 = time.perf_counter()


def _log(message: str) -> None:
    print(f"[{time.perf_counter() - _T0:6.1f}s] {message}", file=sys.stderr, flush=True)
