"""The load generator: S candidate sessions with O observers each, driving real turns over real sockets.

Latency of token n = (time the delta holding it was received) - (upstream's emit time of n). The
coalescing wait is estimated per token and reported apart: a frame is flushed one window after its
first token reached the server, so token n waited about `window - (emit(n) - emit(first in frame))`.
What remains is the server-added latency.
"""

from __future__ import annotations

import asyncio
import gc
import os
import random
import time
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson

from bench import dbtiming
from bench.client import WsClient, ws_connect
from bench.servers import Server
from bench.upstream import Upstream

CONNECT_CONCURRENCY = 48
TIMELINE_BUCKET = 0.5
ROLES = ("candidate", "observer")


class GcPauses:
    """Garbage-collector pauses of this (the generator's) process: a pause delays every receipt behind it."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.longest = 0.0
        self._started = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        pause = time.perf_counter() - self._started
        self.seconds += pause
        self.longest = max(self.longest, pause)


GENERATOR_GC = GcPauses()


@dataclass
class StepConfig:
    sessions: int
    observers: int
    duration: float
    warmup: float = 1.5
    ramp: float = 1.0
    think: tuple[float, float] = (0.2, 0.4)
    window: float = 0.030
    db_timing: bool = False


@dataclass
class Recorder:
    """What one step measured (only inside the measurement window, except counts of turns and errors)."""

    raw: dict[str, array] = field(default_factory=lambda: {r: array("d") for r in ROLES})
    added: dict[str, array] = field(default_factory=lambda: {r: array("d") for r in ROLES})
    # The largest added latency seen in each TIMELINE_BUCKET of the window (stalls show up here).
    timeline: dict[int, float] = field(default_factory=dict)
    wait: array = field(default_factory=lambda: array("d"))
    ttft_overhead: array = field(default_factory=lambda: array("d"))
    pre_upstream: array = field(default_factory=lambda: array("d"))
    stream_seconds: array = field(default_factory=lambda: array("d"))
    # interview.start sent -> its first turn's request reached the upstream (every session, any time).
    start_to_upstream: array = field(default_factory=lambda: array("d"))
    # With follow-ups on: answer sent -> decision call reached the upstream, and decision -> stream request.
    before_decision: array = field(default_factory=lambda: array("d"))
    decision_to_stream: array = field(default_factory=lambda: array("d"))
    tokens: int = 0
    frames: int = 0
    turns: int = 0
    errors: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)


class Conn:
    """What one socket received: the text of each assistant message, in offset order."""

    def __init__(self, session: Session, role: str) -> None:
        self.session = session
        self.role = role
        self.texts: dict[str, list[str]] = {}
        self.lengths: dict[str, int] = {}
        self.done: dict[str, str] = {}
        self.snapshot: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.client: WsClient | None = None

    def text(self, message_id: str) -> str:
        return "".join(self.texts.get(message_id, ()))


class Session:
    """One candidate socket and its observers on one chat, answering each question after a short think."""

    def __init__(self, step: Step, index: int, chat_id: int, cookie: str, observer_cookie: str) -> None:
        self.step = step
        self.index = index
        self.chat_id = chat_id
        self.cookie = cookie
        self.observer_cookie = observer_cookie
        self.candidate = Conn(self, "candidate")
        self.observers = [Conn(self, "observer") for _ in range(step.config.observers)]
        self.sent_at = 0.0
        self.turn_open = False
        self.streaming = False
        self.completed = False
        self.answers = 0
        self.starting = False
        self.first_at: dict[str, float] = {}

    @property
    def conns(self) -> list[Conn]:
        return [self.candidate, *self.observers]

    def start(self) -> None:
        self.starting = True
        self._send({"type": "interview.start"})

    def answer(self) -> None:
        if not self.step.active or self.completed or self.turn_open:
            return
        self.answers += 1
        self._send(
            {
                "type": "answer.submit",
                "id": f"a{self.answers}",
                "content": f"Answer {self.answers} from session {self.index}: I built a queue.",
            }
        )

    def _send(self, frame: dict[str, Any]) -> None:
        assert self.candidate.client is not None
        self.turn_open = True
        self.sent_at = time.perf_counter()
        self.candidate.client.send(frame)

    def turn_closed(self) -> None:
        self.turn_open = False
        self.streaming = False
        if self.step.active and not self.completed:
            asyncio.get_running_loop().call_later(random.uniform(*self.step.config.think), self.answer)


class Step:
    """One load level: connect, drive turns, measure a window, drain, verify."""

    def __init__(
        self, *, servers: list[Server], upstream: Upstream, config: StepConfig, chat_ids: list[int],
        cookies: list[str], observer_cookie: str, stored: Callable[[list[int]], Any] | None,
    ) -> None:  # fmt: skip
        self.servers = servers
        self.up = upstream
        self.config = config
        self.stored = stored
        self.rec = Recorder()
        self.active = False
        self.measure_from = float("inf")
        self.measure_to = float("-inf")
        self.sessions = [
            Session(self, i, chat_id, cookies[i % len(cookies)], observer_cookie) for i, chat_id in enumerate(chat_ids)
        ]

    # --- frames ------------------------------------------------------------------------------------

    def on_frame(self, client: WsClient, data: bytes, received: float) -> None:
        conn: Conn = client.tag
        frame = orjson.loads(data)
        kind = frame.get("type")
        if kind == "assistant.delta":
            self._delta(conn, frame, received)
        elif kind == "message.created":
            message = frame["message"]
            if message.get("role") == "assistant":
                conn.texts.setdefault(message["id"], [])
                conn.lengths.setdefault(message["id"], 0)
        elif kind == "session.snapshot":
            if not conn.snapshot.done():
                conn.snapshot.set_result(None)
        elif kind == "assistant.done":
            conn.done[frame["message_id"]] = frame["status"]
            if frame["status"] != "complete":
                self.rec.errors.append(f"s{conn.session.index} {conn.role}: turn ended {frame['status']}")
            if conn.role == "candidate":
                session = conn.session
                session.streaming = False
                self.rec.turns += 1
                first = session.first_at.get(frame["message_id"])
                if first is not None and self.measure_from <= received <= self.measure_to:
                    self.rec.stream_seconds.append(received - first)
        elif kind == "question.started":
            if conn.role == "candidate":
                conn.session.turn_closed()
        elif kind == "interview.completed":
            conn.session.completed = True
            if conn.role == "candidate":
                conn.session.turn_closed()
        elif kind == "error":
            self.rec.errors.append(f"s{conn.session.index} {conn.role}: {frame.get('code')}: {frame.get('message')}")
            if conn.role == "candidate" and (frame.get("client_id") or frame.get("retryable")):
                conn.session.turn_closed()

    def _delta(self, conn: Conn, frame: dict[str, Any], received: float) -> None:
        message_id, offset, text = frame["message_id"], frame["offset"], frame["text"]
        have = conn.lengths.get(message_id, 0)
        if offset != have:
            self.rec.invalid.append(f"s{conn.session.index} {conn.role}: delta at offset {offset}, had {have}")
        conn.texts.setdefault(message_id, []).append(text)
        conn.lengths[message_id] = have + len(text)
        up = self.up
        session = conn.session
        if conn.role == "candidate" and message_id not in session.first_at:
            session.first_at[message_id] = received
            session.streaming = True
            self._first_token(session, text, received)
        if not self.measure_from <= received <= self.measure_to:
            return
        rec = self.rec
        rec.frames += 1
        window = self.config.window
        raw_list, added_list, waits = rec.raw[conn.role], rec.added[conn.role], rec.wait
        first_emit = None
        bucket = int((received - self.measure_from) / TIMELINE_BUCKET)
        worst = rec.timeline.get(bucket, 0.0)
        for word in text.split():
            n = up.token_of(word)
            if n is None:
                continue
            emitted = up.emit_times[n]
            if first_emit is None:
                first_emit = emitted
            wait = window - (emitted - first_emit)
            if wait < 0:
                wait = 0.0
            raw = received - emitted
            raw_list.append(raw)
            added_list.append(raw - wait)
            waits.append(wait)
            rec.tokens += 1
            if raw - wait > worst:
                worst = raw - wait
        rec.timeline[bucket] = worst

    def _first_token(self, session: Session, text: str, received: float) -> None:
        for word in text.split():
            n = self.up.token_of(word)
            if n is not None:
                break
        else:
            return
        response = self.up.responses[self.up.response_of[n]]
        if session.starting:  # the opening turn: interview.start's own work (consent, quota, the first prompt)
            session.starting = False
            self.rec.start_to_upstream.append(response.requested - session.sent_at)
            return
        decided = self.up.decision_requested.pop(session.index, None)
        if not self.measure_from <= received <= self.measure_to:
            return
        if decided is not None and session.sent_at <= decided <= response.requested:
            self.rec.before_decision.append(decided - session.sent_at)
            self.rec.decision_to_stream.append(response.requested - decided)
        upstream_ttft = self.up.emit_times[response.first_token] - response.requested
        self.rec.ttft_overhead.append(received - session.sent_at - upstream_ttft - self.config.window)
        self.rec.pre_upstream.append(response.requested - session.sent_at)

    # --- the run -----------------------------------------------------------------------------------

    async def connect(self) -> None:
        """Open every socket and wait for each one's snapshot."""
        gate = asyncio.Semaphore(CONNECT_CONCURRENCY)
        ports = [server.port for server in self.servers]

        async def one(conn: Conn, port: int, path: str, cookie: str) -> None:
            async with gate:
                conn.client = await ws_connect("127.0.0.1", port, path, cookie=cookie, on_frame=self.on_frame, tag=conn)
                await asyncio.wait_for(conn.snapshot, 30)

        jobs = []
        for session in self.sessions:
            # With several servers, a session's observers sit on another process than its candidate.
            home, away = ports[session.index % len(ports)], ports[(session.index + 1) % len(ports)]
            jobs.append(one(session.candidate, home, f"/ws/interview/{session.chat_id}/", session.cookie))
            jobs.extend(
                one(conn, away, f"/ws/observe/{session.chat_id}/", session.observer_cookie)
                for conn in session.observers
            )
        await asyncio.gather(*jobs)

    def _cpu(self) -> float:
        return sum(server.cpu_seconds() for server in self.servers)

    def _loop_cpu(self) -> float:
        return sum(server.loop_cpu_seconds() for server in self.servers)

    def _rss(self) -> int:
        return sum(server.rss() for server in self.servers)

    def _stats(self) -> dict[str, Any]:
        writes: dict[str, int] = {}
        gc: dict[str, list[float]] = {}
        statements = 0
        db_calls = []
        for server in self.servers:
            stats = server.stats()
            statements += int(stats.get("statements", 0))
            db_calls.append(int(stats.get("db_calls", 0)))
            for table, count in stats.get("writes", {}).items():
                writes[table] = writes.get(table, 0) + count
            for gen, (count, seconds, longest) in stats.get("gc", {}).items():
                total = gc.setdefault(gen, [0, 0.0, 0.0])
                total[0], total[1], total[2] = total[0] + count, total[1] + seconds, max(total[2], longest)
        return {"writes": writes, "total_writes": sum(writes.values()), "statements": statements, "gc": gc,
                "db_calls_by_server": db_calls}  # fmt: skip

    async def run(self) -> dict[str, Any]:
        """Drive the step and return its measurements (latencies still raw; see bench.report)."""
        loop = asyncio.get_running_loop()
        config = self.config
        rss_before = self._rss()
        connect_started = time.perf_counter()
        await self.connect()
        connect_seconds = time.perf_counter() - connect_started
        stats_before = await asyncio.to_thread(self._stats)
        self.active = True
        begin = time.perf_counter()
        for session in self.sessions:
            loop.call_later(random.uniform(0, config.ramp), session.start)
        self.measure_from = begin + config.ramp + config.warmup
        self.measure_to = self.measure_from + config.duration
        await asyncio.sleep(self.measure_from - time.perf_counter())
        cpu0, loop0, gen0, wall0 = self._cpu(), self._loop_cpu(), _own_cpu(), time.perf_counter()
        threads0, decisions0 = self._threads(), self.up.decisions
        machine0, core0, rest0 = machine_busy_seconds(), generator_core_busy_seconds(), server_cores_busy_seconds()
        gc0, GENERATOR_GC.longest = GENERATOR_GC.seconds, 0.0
        rss0 = self._rss()
        rss_peak, streaming_samples = rss0, []
        while (remaining := self.measure_to - time.perf_counter()) > 0:
            await asyncio.sleep(min(0.25, remaining))
            rss_peak = max(rss_peak, self._rss())
            streaming_samples.append(sum(1 for s in self.sessions if s.streaming))
        cpu1, loop1, gen1, wall1 = self._cpu(), self._loop_cpu(), _own_cpu(), time.perf_counter()
        threads1, decisions1 = self._threads(), self.up.decisions
        machine1, core1, rest1 = machine_busy_seconds(), generator_core_busy_seconds(), server_cores_busy_seconds()
        self.active = False
        drained = await self._drain()
        stats_after = await asyncio.to_thread(self._stats)
        for session in self.sessions:
            for conn in session.conns:
                if conn.client is not None:
                    conn.client.close()
        await asyncio.sleep(0.2)
        invalid = list(self.rec.invalid)
        if drained:  # an overloaded server still streaming has no final text to compare yet
            invalid.extend(await self._verify())
        writes_before, writes_after = stats_before.get("writes", {}), stats_after.get("writes", {})
        db_calls = await asyncio.to_thread(self._db_calls, stats_before) if config.db_timing else None
        return {
            "rec": self.rec,
            "connect_seconds": connect_seconds,
            "window_seconds": wall1 - wall0,
            "server_cpu_seconds": cpu1 - cpu0,
            "server_loop_cpu_seconds": loop1 - loop0,
            "generator_cpu_fraction": (gen1 - gen0) / (wall1 - wall0),
            # The generator's core as a whole (it also runs PostgreSQL and Redis when those are pinned there).
            "generator_core_busy_fraction": (core1 - core0) / (wall1 - wall0) if core0 is not None else None,
            # Busy time on the server's core(s) that was not the server's: what can disturb its latency.
            "server_core_other_fraction": (
                ((rest1 - rest0) - (cpu1 - cpu0)) / (wall1 - wall0) if rest0 is not None else None
            ),
            # Busy CPU of the machine that was neither the server(s) nor this process (database, Redis, others).
            "other_cpu_fraction": ((machine1 - machine0) - (cpu1 - cpu0) - (gen1 - gen0)) / (wall1 - wall0),
            "generator_gc": {
                "pause_ms": round((GENERATOR_GC.seconds - gc0) * 1000, 1),
                "longest_ms": round(GENERATOR_GC.longest * 1000, 1),
            },
            "rss_before": rss_before,
            "rss_window_start": rss0,
            "rss_peak": rss_peak,
            "streaming_sessions_mean": sum(streaming_samples) / max(1, len(streaming_samples)),
            "writes": {k: writes_after.get(k, 0) - writes_before.get(k, 0) for k in writes_after},
            "total_writes": stats_after.get("total_writes", 0) - stats_before.get("total_writes", 0),
            "statements": stats_after.get("statements", 0) - stats_before.get("statements", 0),
            "gc": _gc_delta(stats_before.get("gc", {}), stats_after.get("gc", {})),
            "invalid": invalid,
            "drained": drained,
            "threads_cpu_fraction": _threads_delta(threads0, threads1, wall1 - wall0),
            "decisions": decisions1 - decisions0,
            "db_calls": db_calls,
        }

    def _threads(self) -> list[dict[str, float]]:
        return [server.threads_cpu_seconds() for server in self.servers]

    def _db_calls(self, stats_before: dict[str, Any]) -> dict[str, Any]:
        """The servers' timed database calls made in the measurement window (bench/dbtiming.py)."""
        samples: list[list[Any]] = []
        for server, since in zip(self.servers, stats_before.get("db_calls_by_server", []), strict=False):
            samples.extend(server.db_calls(since)[1])
        return dbtiming.summarise(samples, start=self.measure_from, end=self.measure_to)

    async def _drain(self) -> bool:
        deadline = time.perf_counter() + self.up.first_token_delay + self.up.tokens / self.up.rate + 15
        while time.perf_counter() < deadline:
            if not any(s.turn_open for s in self.sessions):
                return True
            await asyncio.sleep(0.1)
        return False

    async def _verify(self) -> list[str]:
        """Every socket received exactly the stored text of every assistant message, in order."""
        problems: list[str] = []
        stored: dict[int, list[dict[str, Any]]] = {}
        if self.stored is not None:
            stored = await asyncio.to_thread(self.stored, [s.chat_id for s in self.sessions])
        for session in self.sessions:
            if self.stored is not None:
                expected = {
                    m["id"]: (m.get("content") or "", m.get("status"))
                    for m in stored.get(session.chat_id, [])
                    if m.get("role") == "assistant"
                }
            else:
                expected = {mid: (self._upstream_text(session.candidate.text(mid)), "complete")
                            for mid in session.candidate.texts}  # fmt: skip
            for message_id, (content, status) in expected.items():
                if status != "complete":
                    problems.append(f"s{session.index}: stored message {message_id} is {status}")
                upstream_text = self._upstream_text(content)
                if upstream_text is None or not content.startswith(upstream_text):
                    problems.append(f"s{session.index}: stored text of {message_id} is not what upstream sent")
                for conn in session.conns:
                    got = conn.text(message_id)
                    if got != content:
                        problems.append(
                            f"s{session.index} {conn.role}: {message_id} received {len(got)} chars, stored {len(content)}"
                        )
                    elif conn.done.get(message_id) != "complete":
                        problems.append(f"s{session.index} {conn.role}: no done frame for {message_id}")
        return problems

    def _upstream_text(self, text: str | None) -> str | None:
        """The text the upstream streamed for the response whose first token begins `text`."""
        if not text:
            return None
        n = self.up.token_of(text.split(" ", 1)[0])
        if n is None:
            return None
        return self.up.text_of(self.up.response_of[n])


def _gc_delta(before: dict[str, list[float]], after: dict[str, list[float]]) -> dict[str, Any]:
    """Collections and their pause time per generation during the step (the longest pause is since start)."""
    out = {}
    for gen, (count, seconds, longest) in after.items():
        count0, seconds0, _ = before.get(gen, [0, 0.0, 0.0])
        out[gen] = {"collections": int(count - count0), "pause_ms": round((seconds - seconds0) * 1000, 1),
                    "longest_ms_since_start": round(longest * 1000, 1)}  # fmt: skip
    return out


def _threads_delta(before: list[dict[str, float]], after: list[dict[str, float]], seconds: float) -> dict[str, float]:
    """Each server thread's share of a core during the window (threads above 0.005; servers numbered after one)."""
    out = {}
    for index, (first, last) in enumerate(zip(before, after, strict=False)):
        for name, cpu in last.items():
            fraction = (cpu - first.get(name, 0.0)) / seconds if seconds > 0 else 0.0
            if fraction > 0.005:
                out[name if index == 0 else f"{index}:{name}"] = round(fraction, 3)
    return out


def machine_busy_seconds() -> float:
    """CPU seconds all cores of the machine spent busy (not idle or waiting on I/O) since boot."""
    with open("/proc/stat") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _cores_busy_seconds(cores: set[int]) -> float:
    names = {f"cpu{core}" for core in cores}
    busy = 0
    with open("/proc/stat") as stat:
        for line in stat:
            name, *values = line.split()
            if name in names:
                fields = [int(x) for x in values]
                busy += sum(fields[:8]) - fields[3] - fields[4]
    return busy / os.sysconf("SC_CLK_TCK")


def generator_core_busy_seconds() -> float | None:
    """Busy CPU seconds of the one core this process is pinned to, or None when it is not pinned to one."""
    cores = os.sched_getaffinity(0)
    return _cores_busy_seconds(cores) if len(cores) == 1 else None


def server_cores_busy_seconds() -> float | None:
    """Busy CPU seconds of the other cores (the server's) when this process is pinned to one, else None."""
    cores = os.sched_getaffinity(0)
    return _cores_busy_seconds(set(range(os.cpu_count() or 1)) - cores) if len(cores) == 1 else None


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system


async def idle_memory(*, server: Server, chat_ids: list[int], cookies: list[str], wait: float = 2.0) -> dict[str, Any]:
    """RSS growth of the server per idle connected candidate session (socket open, snapshot received)."""
    config = StepConfig(sessions=len(chat_ids), observers=0, duration=0)
    step = Step(servers=[server], upstream=_NO_UPSTREAM, config=config, chat_ids=chat_ids, cookies=cookies,
                observer_cookie="", stored=None)  # fmt: skip
    before = await _steady_rss(server, wait / 10)
    started = time.perf_counter()
    try:
        await step.connect()
    except Exception as exc:
        connected = sum(1 for s in step.sessions if s.candidate.snapshot.done())
        _close_all(step)
        return {"sessions": len(chat_ids), "connected": connected, "error": f"{type(exc).__name__}: {exc}"}
    connect_seconds = time.perf_counter() - started
    await asyncio.sleep(wait)
    after = await _steady_rss(server, wait / 10)
    _close_all(step)
    await asyncio.sleep(wait / 4)
    return {
        "sessions": len(chat_ids),
        "connected": len(chat_ids),
        "connect_seconds": round(connect_seconds, 2),
        "rss_before_mb": round(before / 2**20, 1),
        "rss_after_mb": round(after / 2**20, 1),
        "kb_per_session": round((after - before) / len(chat_ids) / 1024, 1),
    }


def _close_all(step: Step) -> None:
    for session in step.sessions:
        for conn in session.conns:
            if conn.client is not None:
                conn.client.close()


async def _steady_rss(server: Server, interval: float) -> int:
    samples = []
    for _ in range(5):
        samples.append(server.rss())
        await asyncio.sleep(interval)
    return sorted(samples)[len(samples) // 2]


_NO_UPSTREAM = Upstream(rate=1, tokens=1, first_token_delay=0)
