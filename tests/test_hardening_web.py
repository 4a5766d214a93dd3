"""Issue 15, the web-facing part: declared settings and SITE_URL, receivers connected at start-up."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from interview.checks import check_site_url

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "k" * 60, "DJANGO_SETTINGS_MODULE": "live_interview.settings"}


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter (no pytest loaded, so settings behave as in a deployment)."""
    environ = {k: v for k, v in os.environ.items() if k != "DJANGO_SITE_URL"} | PRODUCTION | env
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60
    )


# --- Settings: every one declared, SITE_URL required in production -------------------------------


def test_settings_code_reads_no_undeclared_setting():
    sources = [p for folder in ("interview", "consumers", "live_interview") for p in (ROOT / folder).rglob("*.py")]
    offenders = [str(p.relative_to(ROOT)) for p in sources if re.search(r"getattr\(\s*settings\b", p.read_text())]
    assert offenders == []


def test_settings_refuse_production_without_site_url():
    result = _python("import django; django.setup()")
    assert result.returncode != 0 and "DJANGO_SITE_URL is required" in result.stderr


def test_settings_refuse_site_url_with_a_path():
    result = _python("import django; django.setup()", DJANGO_SITE_URL="https://interview.example.com/app")
    assert result.returncode != 0 and "DJANGO_SITE_URL must be like" in result.stderr


def test_invitation_links_use_configured_site_url():
    code = "import django; django.setup(); from interview.services.invitations import site_url; print(site_url('/i/'))"
    result = _python(code, DJANGO_SITE_URL="https://interview.example.com/")
    assert result.stdout.strip() == "https://interview.example.com/i/", result.stderr


def test_check_site_url_errors_on_localhost(settings):
    settings.SITE_URL = "http://localhost:8000"
    assert [message.id for message in check_site_url()] == ["interview.E001"]


def test_check_site_url_clean_for_public_https_site(settings):
    settings.SITE_URL = "https://interview.example.com"
    settings.ALLOWED_HOSTS = ["interview.example.com"]
    assert check_site_url() == []


def test_check_site_url_warns_on_host_not_allowed(settings):
    settings.SITE_URL = "https://interview.example.com"
    settings.ALLOWED_HOSTS = ["other.example.com"]
    assert [message.id for message in check_site_url()] == ["interview.W002"]


def test_check_deploy_fails_without_site_url():
    result = _python(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy'])",
        DJANGO_DEBUG="1",
    )
    assert result.returncode != 0 and "interview.E001" in result.stderr


# --- Receivers: connected by the app, whatever the process serves first --------------------------


@pytest.mark.parametrize("uid", ["interview.services.reports.on_chat_completed", "hiring.invitation_on_chat_completed"])
def test_chat_completed_receivers_connected_after_setup(uid):
    code = (
        "import django; django.setup(); from interview.signals import chat_completed; "
        f"print(chat_completed.disconnect(dispatch_uid={uid!r}))"
    )
    result = _python(code, DJANGO_DEBUG="1")
    assert result.stdout.strip() == "True", result.stderr
