"""Channel-layer event types and error codes are declared once and used by name everywhere else."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from channels.consumer import get_handler_name

from interview.core.errors import ErrorCode
from interview.live import groups
from interview.live.candidate import InterviewConsumer
from interview.live.observer import ObserverConsumer

ROOT = Path(__file__).resolve().parent.parent
EVENTS = {
    name: value
    for name, value in vars(groups).items()
    if name.isupper() and isinstance(value, str) and name != "ACCESS_GROUP"
}
# Events a chat socket receives (the others go to a generation's control loop or to the guards).
SOCKET_EVENTS = ("CHAT_FRAME", "CHAT_GONE", "PRESENCE_JOIN", "PRESENCE_LEAVE", "PRESENCE_QUERY", "PRESENCE_HERE")


def _sources(*packages: str) -> list[Path]:
    return [
        path
        for package in packages
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def _string_constants(path: Path) -> list[tuple[int, str]]:
    """String literals in the module, docstrings aside."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


@pytest.mark.parametrize("name", SOCKET_EVENTS)
@pytest.mark.parametrize("socket", [InterviewConsumer, ObserverConsumer])
def test_events_socket_has_a_handler(socket, name):
    assert callable(getattr(socket, get_handler_name({"type": EVENTS[name]}), None))


def test_events_values_are_distinct():
    assert len(set(EVENTS.values())) == len(EVENTS)


def test_events_never_spelled_out_in_code():
    declared = {ROOT / "interview/live/groups.py", ROOT / "interview/live/protocol.py"}
    values = set(EVENTS.values())

    found = [
        f"{path.relative_to(ROOT)}:{line} {value!r}"
        for path in _sources("interview", "consumers", "live_interview")
        if path not in declared
        for line, value in _string_constants(path)
        if value in values
    ]

    assert not found, f"use the constants of interview/live/groups.py: {found}"


def _raised_literals(path: Path) -> list[str]:
    """`ServiceError("code", ...)` and `super().__init__("code", ...)` in ServiceError subclasses."""
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        named = isinstance(func, ast.Name) and func.id == "ServiceError"
        init = isinstance(func, ast.Attribute) and func.attr == "__init__"
        if (named or init) and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.args[0].value!r}")
    return found


def test_error_codes_raised_by_name():
    found = [hit for path in _sources("interview") for hit in _raised_literals(path)]

    assert not found, f"raise ErrorCode members, not string literals: {found}"


def test_error_codes_values_are_distinct():
    assert len({code.value for code in ErrorCode}) == len(ErrorCode)


def test_error_codes_of_the_protocol_are_documented():
    documented = (ROOT / "docs/protocol.md").read_text()
    live = [ErrorCode.INVALID, ErrorCode.FORBIDDEN, ErrorCode.BUSY, ErrorCode.NOT_STARTED, ErrorCode.TIME_EXPIRED]
    live += [ErrorCode.COMPLETED, ErrorCode.NOTHING_TO_RETRY, ErrorCode.UPSTREAM, ErrorCode.INTERRUPTED]
    live += [ErrorCode.RATE_LIMITED, ErrorCode.TOO_MANY_GENERATIONS, ErrorCode.QUOTA_EXCEEDED]

    assert [code for code in live if f"| `{code}` |" not in documented] == []
