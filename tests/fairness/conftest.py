"""Fixtures of the fairness tests: the seeded term library, present whatever ran before."""

from __future__ import annotations

import pytest

from tests.fairness.helpers import seed_library


@pytest.fixture
def library(db):
    seed_library()
