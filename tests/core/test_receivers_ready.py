"""Every area's receivers are connected by InterviewConfig.ready(), in a process that never loads the URLconf."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENT = {"DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "live_interview.settings"}

# Lists, per signal, the dispatch_uids connected after django.setup() alone.
PROBE = """
import json, django
django.setup()
from allauth.account.signals import user_logged_in, user_signed_up
from django.db.models.signals import post_delete, post_save, pre_save
from interview.interviews.signals import chat_completed
signals = {"post_save": post_save, "pre_save": pre_save, "post_delete": post_delete,
           "user_logged_in": user_logged_in, "user_signed_up": user_signed_up, "chat_completed": chat_completed}
print(json.dumps({name: [str(key[0]) for key, *_ in s.receivers] for name, s in signals.items()}))
import sys
print(json.dumps(sorted(m for m in sys.modules if m.endswith("urls"))))
"""

RECEIVERS = [
    ("post_save", "accounts.create_user_profile"),
    ("post_save", "accounts.save_user_profile"),
    ("pre_save", "accounts.revoke_api_tokens_on_credentials_change"),
    ("post_save", "accounts.sync_verified_email"),
    ("user_logged_in", "accounts.mfa_enrolment_due"),  # allauth's signal: a completed allauth login
    ("user_signed_up", "hiring.verification_on_sign_up"),
    ("post_delete", "documents.delete_resume_file"),
    ("post_delete", "documents.delete_job_listing_file"),
    ("post_delete", "reports.delete_report_pdf"),
    ("chat_completed", "hiring.invitation_on_chat_completed"),
    ("chat_completed", "interview.reports.services.on_chat_completed"),
]


@pytest.fixture(scope="module")
def probe() -> tuple[dict[str, list[str]], list[str]]:
    environ = {k: v for k, v in os.environ.items() if k != "DJANGO_SITE_URL"} | ENVIRONMENT
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    connected, url_modules = result.stdout.strip().splitlines()
    return json.loads(connected), json.loads(url_modules)


@pytest.mark.parametrize(("signal", "uid"), RECEIVERS)
def test_receivers_connected_by_ready(probe, signal, uid):
    assert uid in probe[0][signal]


def test_receivers_ready_loads_no_urlconf(probe):
    assert not [m for m in probe[1] if m.startswith(("interview.", "live_interview."))]
