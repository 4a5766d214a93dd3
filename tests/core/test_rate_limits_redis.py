"""Rate limits hold across server processes on Redis (skipped without REDIS_URL)."""

from __future__ import annotations

import os
import subprocess
import sys
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings

from interview.core.ratelimits import CHAT_CREATE, rate_limit_hit
from tests.live.server import ROOT

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a shared Redis)")

# Another process: the same settings and Redis, one more chat creation by the same user; prints the wait or "ok".
OTHER_PROCESS = """
import sys, django
django.setup()
from django.conf import settings
from types import SimpleNamespace
from interview.core.ratelimits import rate_limit_hit
settings.RATELIMIT_CACHE_PREFIX = sys.argv[1]
settings.RATE_LIMITS = {**settings.RATE_LIMITS, "chat_create": "3/h"}
hit = rate_limit_hit(SimpleNamespace(user=SimpleNamespace(pk=int(sys.argv[2])), method="POST"), "chat_create")
print(hit.retry_after if hit else "ok")
"""


def request_of(user_id: int) -> SimpleNamespace:
    return SimpleNamespace(user=SimpleNamespace(pk=user_id), method="POST")


def other_process_hit(user_id: int) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "live_interview.settings", "DJANGO_DEBUG": "1"}
    args = [sys.executable, "-c", OTHER_PROCESS, django_settings.RATELIMIT_CACHE_PREFIX, str(user_id)]
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=180, check=True)
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture(autouse=True)
def _three_an_hour(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, CHAT_CREATE: "3/h"}


def test_rate_limits_redis_is_the_cache_counted_in():
    assert django_settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"


def test_rate_limits_redis_another_process_sees_this_ones_requests():
    hits = [rate_limit_hit(request_of(9001), CHAT_CREATE) for _ in range(3)]
    assert hits == [None, None, None]
    assert int(other_process_hit(9001)) >= 1


def test_rate_limits_redis_this_process_sees_another_ones_request():
    assert other_process_hit(9002) == "ok"
    hits = [rate_limit_hit(request_of(9002), CHAT_CREATE) for _ in range(3)]
    assert hits[:2] == [None, None] and hits[2] is not None
