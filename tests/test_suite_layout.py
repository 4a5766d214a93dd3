"""The suite's own layout: helpers live in helper modules and fixtures, never in test modules."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
# An import of, or a dotted path into, a test module: `tests.hiring.test_x`, `from tests.test_x import`.
TEST_MODULE_PATH = re.compile(r"\btests(?:\.\w+)*\.test_\w+")


def test_suite_layout_no_module_refers_to_a_test_module():
    offenders = [
        f"{path.relative_to(TESTS)}:{number}"
        for path in sorted(TESTS.rglob("*.py"))
        if path != Path(__file__).resolve()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if TEST_MODULE_PATH.search(line)
    ]
    assert offenders == []
