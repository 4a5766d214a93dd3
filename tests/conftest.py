"""Shared fixtures."""

from __future__ import annotations

import uuid

import pytest

from tests.factories import UserFactory
from tests.sockets.helpers import Sockets

pytest_plugins = ["pytester"]  # tests/sockets/test_sockets_fixture.py runs a failing test in a child pytest


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    """Keep uploaded and generated files of each test in its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    """Count each test's requests afresh (user ids repeat across tests), under rates no other test reaches.

    The rate-limit tests (tests/ratelimits/) set small RATE_LIMITS of their own.
    """
    settings.RATELIMIT_CACHE_PREFIX = f"rl:{uuid.uuid4().hex[:12]}:"
    settings.RATE_LIMITS = dict.fromkeys(settings.RATE_LIMITS, "10000/h")


@pytest.fixture(autouse=True)
def _fresh_format_memo():
    """Forget which structured-output format each server accepted: a fake server's port is reused across tests."""
    from interview.llm import openai_provider

    openai_provider._working_formats.clear()
    yield
    openai_provider._working_formats.clear()


@pytest.fixture
def user(db):
    return UserFactory(username="candidate")


@pytest.fixture
def admin_user(db):
    user = UserFactory(username="boss", is_staff=True, is_superuser=True, role="admin")
    return user


@pytest.fixture
def interviewer(db):
    return UserFactory(username="interviewer", role="interviewer")


from tests.fakes.openai_server import fake_openai  # noqa: E402,F401  (fixture)


@pytest.fixture
def offline_llm(settings):
    """The offline interviewer, streaming without pauses."""
    settings.OPENAI_API_KEY = ""
    settings.OPENAI_BASE_URL = ""
    settings.LLM_OFFLINE = True
    settings.LLM_OFFLINE_WORDS_PER_SECOND = 0
    return settings


@pytest.fixture
def llm(settings, fake_openai):  # noqa: F811  (the fixture imported above)
    """The real OpenAI client pointed at the fake server, with short timeouts."""
    settings.OPENAI_API_KEY = "sk-test"
    settings.OPENAI_BASE_URL = fake_openai.base_url
    settings.OPENAI_MODEL = "gpt-4o-mini"
    settings.LLM_OFFLINE = False
    settings.LLM_CONNECT_TIMEOUT = 1.0
    settings.LLM_FIRST_TOKEN_TIMEOUT = 2.0
    settings.LLM_CHUNK_GAP_TIMEOUT = 1.0
    settings.LLM_MAX_RETRIES = 1
    return fake_openai


@pytest.fixture
async def sockets():
    """The test's sockets: every one is disconnected at teardown, and the generations left running end,
    even when the test fails."""
    opened = Sockets()
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def connect(sockets):
    """`await connect(path, user)`: an accepted socket and its snapshot frame, closed at teardown."""
    return sockets.connect


@pytest.fixture
def close_code(sockets):
    """`await close_code(path, user)`: the code the server closes a new socket with."""
    return sockets.close_code
