"""`python -m bench` (`make bench BENCH_ARGS=...`): the streaming benchmark. See docs/performance.md.

Loads only 127.0.0.1: the server(s) under test, the fake upstream and the database/Redis it is
given must all be local. Every run stops itself within --time-limit (smoke runs: 20 s).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench.report import table
from bench.runner import Bench, Options, _log
from bench.servers import KINDS
from bench.verdicts import CALIBRATION_DRIFT, OTHER_CPU_LIMIT, invalid_reasons, verdicts

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# The smoke run takes 10-20 s; its time limit leaves room for a loaded CI machine.
SMOKE_TIME_LIMIT = 45.0
# After the time limit the run is cancelled; this much later the process exits whatever it is doing.
HARD_EXIT_GRACE = 20.0
RESULTS_DIR = Path(__file__).resolve().parent / "results"


def parse_args(argv: list[str] | None = None) -> tuple[Options, argparse.Namespace]:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--smoke", action="store_true", help="a tiny run (10-20 s) that checks the harness works")
    add("--target", default="127.0.0.1", help="host of everything under test: only 127.0.0.1 or localhost")
    add("--servers", default="relay,daphne,uvicorn", help="comma-separated: relay, daphne, uvicorn")
    add("--sessions", type=int, default=50, help="candidate sessions of the fixed-load step (S)")
    add("--observers", type=int, default=1, help="observer sockets per session (O)")
    add("--rate", type=float, default=50.0, help="upstream tokens per second per stream")
    add("--tokens", type=int, default=100, help="tokens per assistant turn")
    add("--first-token-ms", type=float, default=200.0, help="upstream delay before the first token")
    add("--think-ms", default="200,400", help="candidate pause before answering: min,max")
    add("--duration", type=float, default=15.0, help="measured seconds of the fixed-load step")
    add("--capacity-duration", type=float, default=8.0, help="measured seconds of each capacity step")
    add("--capacity-max", type=int, default=600, help="largest S the capacity search tries")
    add("--no-capacity", action="store_true", help="skip the capacity search")
    add("--idle-sessions", type=int, default=2000, help="idle sessions of the memory test (0 skips it)")
    add("--coalesce-ms", type=int, default=30, help="STREAM_COALESCE_MS for the servers (and the relay)")
    add("--bound-ms", type=float, default=100.0, help="p99 server-added latency bound of the capacity search")
    add("--database-url", default="", help="database of the server under test (default: a fresh SQLite file)")
    add("--redis-url", default="", help="Redis for the servers and the scaling run (e.g. redis://127.0.0.1:6379/5)")
    add(
        "--redis-layer",
        default="",
        choices=["", "pubsub", "channels-pubsub", "core"],
        help="the servers' CHANNEL_REDIS_LAYER",
    )
    add("--scaling", action="store_true", help="also run one vs two daphne processes on Redis")
    add("--scaling-only", action="store_true", help="run only the scaling comparison")
    add("--scaling-cores", type=float, default=0.5, help="CPU budget of each process in the scaling run")
    add("--scaling-start", type=int, default=20, help="S per process where the scaling search starts")
    add("--uvicorn-ws", default="websockets-sansio", help="uvicorn's --ws implementation")
    add("--relay-parser", default="sse", choices=["sse", "client"],
        help="how the relay reads the stream: its events parsed as the product does, or the openai client's chunks")  # fmt: skip
    add("--time-limit", type=float, default=900.0, help="seconds after which the run stops itself")
    add("--no-pin", action="store_true", help="do not pin the server to core 0 and the generator to core 1")
    add("--profile", action="store_true", help="sample each server with py-spy during the fixed step")
    add("--out", default="", help="JSON results file (default: bench/results/bench-<time>.json)")
    add("--other-cpu-limit", type=float, default=OTHER_CPU_LIMIT,
        help="other CPU on the server's core above which the run is not valid (no verdict)")  # fmt: skip
    add("--db-timing", action="store_true",
        help="time the servers' database calls: queue wait for the database thread, run, statements")  # fmt: skip
    add("--follow-ups", type=int, default=0,
        help="the chats' max_follow_ups: 1 adds a follow-up decision call before each turn after an answer")  # fmt: skip
    add("--server-env", action="append", default=[], metavar="NAME=VALUE",
        help="an environment variable for the product servers (repeatable), e.g. for A/B runs of a setting")  # fmt: skip
    add("--no-calibrate", action="store_true", help="skip the machine calibration (a fixed CPU loop)")
    add("--sequential", action="store_true",
        help="search each server's capacity after the previous one's, not one step of each in turn")  # fmt: skip
    add("--calibration-drift", type=float, default=CALIBRATION_DRIFT,
        help="how much the calibration loop may differ between servers before the run is not valid")  # fmt: skip
    args = parser.parse_args(argv)
    servers = [s.strip() for s in args.servers.split(",") if s.strip()]
    think = tuple(float(x) for x in args.think_ms.split(","))
    options = Options(
        target=args.target, servers=servers, sessions=args.sessions, observers=args.observers, rate=args.rate,
        tokens=args.tokens, first_token_ms=args.first_token_ms, think_ms=(think[0], think[-1]),
        duration=args.duration, capacity=not args.no_capacity, capacity_duration=args.capacity_duration,
        capacity_max=args.capacity_max, idle_sessions=args.idle_sessions, coalesce_ms=args.coalesce_ms,
        bound_ms=args.bound_ms, database_url=args.database_url, redis_url=args.redis_url, redis_layer=args.redis_layer,
        scaling=args.scaling or args.scaling_only, scaling_only=args.scaling_only, scaling_cores=args.scaling_cores,
        scaling_start=args.scaling_start, time_limit=args.time_limit, out=args.out, pin=not args.no_pin,
        uvicorn_ws=args.uvicorn_ws, relay_parser=args.relay_parser, profile=args.profile,
        other_cpu_limit=args.other_cpu_limit, db_timing=args.db_timing or args.profile, follow_ups=args.follow_ups,
        calibrate=not args.no_calibrate, server_env=_server_env(parser, args.server_env),
        calibration_drift=args.calibration_drift, alternate=not args.sequential,
    )  # fmt: skip
    if args.smoke:
        options = smoke(options)
    return options, args


def _server_env(parser: argparse.ArgumentParser, items: list[str]) -> dict[str, str]:
    env = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            parser.error(f"--server-env takes NAME=VALUE, not {item!r}")
        env[name] = value
    return env


def smoke(options: Options) -> Options:
    """The CI run: relay and daphne, a few sessions, one short step each, a small idle test."""
    options.servers = [s for s in options.servers if s in ("relay", "daphne")] or ["relay", "daphne"]
    options.sessions, options.observers = 3, 1
    options.tokens, options.first_token_ms, options.think_ms = 20, 50.0, (50.0, 100.0)
    options.duration, options.warmup, options.ramp = 1.5, 0.5, 0.2
    options.capacity, options.scaling, options.scaling_only = False, False, False
    options.idle_sessions, options.fresh_idle_server, options.idle_wait, options.warm = 20, False, 0.5, False
    options.time_limit = min(options.time_limit, SMOKE_TIME_LIMIT)
    options.calibration_runs = 1
    options.other_cpu_limit = None  # the smoke checks the harness, on whatever machine runs the suite
    options.calibration_drift = None
    options.smoke = True
    return options


def refusal(options: Options) -> str | None:
    """Why these options must not run (a non-local target), or None."""
    if options.target not in LOCAL_HOSTS:
        return f"refusing target {options.target!r}: the benchmark only loads 127.0.0.1 / localhost"
    for name, url in (("--database-url", options.database_url), ("--redis-url", options.redis_url)):
        if not url:
            continue
        parts = urlsplit(url)
        if parts.scheme.startswith("sqlite"):
            continue
        if parts.hostname not in LOCAL_HOSTS:
            return f"refusing {name} host {parts.hostname!r}: only 127.0.0.1 / localhost"
    unknown = [s for s in options.servers if s not in KINDS]
    if unknown:
        return f"unknown server kind(s) {unknown}; choose from {list(KINDS)}"
    if options.sessions < 1 or options.observers < 0 or options.rate <= 0 or options.tokens < 1:
        return "sessions >= 1, observers >= 0, rate > 0 and tokens >= 1 are required"
    if options.time_limit <= 0:
        return "--time-limit must be positive"
    if options.follow_ups < 0:
        return "--follow-ups must be >= 0"
    return None


def services_problem(options: Options) -> str | None:
    """Why the database or Redis given cannot be used (a missing local PostgreSQL database is created), or None."""
    if options.database_url and urlsplit(options.database_url).scheme.startswith("postgres"):
        import psycopg
        from psycopg import sql

        url = options.database_url
        name = urlsplit(url).path.lstrip("/")
        try:
            psycopg.connect(url, connect_timeout=5).close()
        except psycopg.OperationalError as exc:
            if f'database "{name}" does not exist' not in str(exc):
                return f"cannot connect to --database-url {url}: {str(exc).strip()}"
            try:
                maintenance = urlsplit(url)._replace(path="/postgres").geturl()
                with psycopg.connect(maintenance, connect_timeout=5, autocommit=True) as connection:
                    connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                _log(f"bench: created the PostgreSQL database {name!r}")
            except psycopg.Error as create_error:
                return f"database {name!r} does not exist and could not be created: {str(create_error).strip()}"
    if options.redis_url:
        import redis

        try:
            redis.Redis.from_url(options.redis_url, socket_connect_timeout=5).ping()
        except redis.RedisError as exc:
            return f"cannot reach --redis-url {options.redis_url}: {exc}"
    return None


def prepare_process(options: Options) -> None:
    """Pin this process (upstream + load generator) to core 1 and allow enough open files."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = max(soft, min(hard, 65536)) if hard != resource.RLIM_INFINITY else max(soft, 65536)
    if wanted > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    if options.pin and (os.cpu_count() or 1) >= 2:
        os.sched_setaffinity(0, {1})


# The local services a run with --database-url / --redis-url talks to, by process name.
SERVICE_NAMES = {"postgres", "redis-server"}


def pin_services(options: Options) -> list[int]:
    """Move the local PostgreSQL and Redis processes (every thread) to core 1, beside the generator.

    The server's core is then its own: PostgreSQL backends doing the server's queries would otherwise
    be scheduled on it too and show up as latency. New backends inherit the postmaster's affinity.
    Returns the thread ids moved (restore_services puts them back on every core).
    """
    postgres = options.database_url.startswith("postgres")
    if not options.pin or (os.cpu_count() or 1) < 2 or not (postgres or options.redis_url):
        return []
    moved = []
    for proc in Path("/proc").iterdir():
        try:
            if not proc.name.isdigit() or (proc / "comm").read_text().strip() not in SERVICE_NAMES:
                continue
            for task in (proc / "task").iterdir():
                os.sched_setaffinity(int(task.name), {1})
                moved.append(int(task.name))
        except OSError:  # gone meanwhile, or not ours to move: leave it
            continue
    return moved


def restore_services(moved: list[int]) -> None:
    every = set(range(os.cpu_count() or 1))
    for tid in moved:
        try:
            os.sched_setaffinity(tid, every)
        except OSError:
            continue


def watchdog(seconds: float, moved: list[int]) -> None:
    """Exit the process, whatever it is doing, `seconds` from now (servers die with it: PDEATHSIG)."""

    def bite() -> None:
        time.sleep(seconds)
        _log(f"bench: hard time limit of {seconds:.0f}s reached; exiting")
        restore_services(moved)
        os._exit(3)

    threading.Thread(target=bite, name="bench-watchdog", daemon=True).start()


async def run(options: Options) -> tuple[dict, bool]:
    bench = Bench(options)
    try:
        async with asyncio.timeout(options.time_limit):
            return await bench.run(), False
    except TimeoutError:
        bench.shutdown()
        results = bench.results
        results["problems"].append(f"stopped at the time limit of {options.time_limit:.0f}s")
        return results, True


def main(argv: list[str] | None = None) -> int:
    options, _ = parse_args(argv)
    problem = refusal(options)
    if problem:
        print(f"bench: {problem}", file=sys.stderr)
        return 2
    problem = services_problem(options)
    if problem:
        print(f"bench: {problem}", file=sys.stderr)
        return 2
    prepare_process(options)
    moved = pin_services(options)
    watchdog(options.time_limit + HARD_EXIT_GRACE, moved)
    try:
        results, truncated = asyncio.run(run(options))
    finally:
        restore_services(moved)
    results["meta"]["service_threads_on_core_1"] = len(moved)
    results["truncated"] = truncated
    limit = options.other_cpu_limit
    drift = options.calibration_drift
    results["invalid_reasons"] = invalid_reasons(
        results,
        other_cpu_limit=float("inf") if limit is None else limit,
        drift_limit=float("inf") if drift is None else drift,
        # The smoke (no CPU limit) checks the harness, not the machine: a collector pause there is no failure.
        **({"gc_pause_limit_ms": float("inf")} if limit is None else {}),
    )
    results["valid"] = not results["invalid_reasons"]
    results["verdicts"] = verdicts(results)
    out = Path(options.out) if options.out else RESULTS_DIR / time.strftime("bench-%Y%m%d-%H%M%S.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    print(table(results))
    print(f"results: {out}")
    return 0 if results["valid"] else 1


if __name__ == "__main__":
    sys.exit(main())
