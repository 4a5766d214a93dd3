"""End to end through the durable queue: the API creates a listing, `manage.py db_worker --batch` parses it."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult
from rest_framework.test import APIClient

from interview.documents.job_parsing import INTERRUPTED_MESSAGE
from interview.models import TokenUsage, UploadedJobListing
from tests.documents.helpers import VALID
from tests.fakes.openai_server import FakeResponse
from tests.live.server import database_url

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run_worker():
    """Run the real db_worker command once over the queue, restoring the signal handlers it installs."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}

    def run() -> None:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    yield run
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def create_listing(user, content: str = "Senior Django developer, 6+ years of Python.") -> UploadedJobListing:
    client = APIClient()
    client.force_authenticate(user)
    response = client.post("/api/job-listings/", {"title": "Backend", "content": content}, format="json")
    assert response.status_code == 201, response.content
    return UploadedJobListing.objects.get(pk=response.json()["id"])


def test_worker_parses_listing_with_llm(user, llm, run_worker):
    llm.enqueue(FakeResponse(text=json.dumps(VALID)))
    listing = create_listing(user)
    run_worker()
    listing.refresh_from_db()
    assert (listing.parsing_status, listing.seniority_level, TokenUsage.objects.count()) == ("success", "senior", 1)


def test_worker_marks_task_successful(user, llm, run_worker):
    llm.enqueue(FakeResponse(text=json.dumps(VALID)))
    create_listing(user)
    run_worker()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_worker_records_upstream_failure_on_listing(user, llm, run_worker):
    llm.configure(status=503)
    listing = create_listing(user)
    run_worker()
    listing.refresh_from_db()
    assert listing.parsing_status == "error" and "AI service failed" in listing.parsing_error


def test_worker_parses_offline_with_rules(user, offline_llm, run_worker):
    listing = create_listing(user)
    run_worker()
    listing.refresh_from_db()
    assert (listing.parsing_status, listing.requirements["parsed_by"]) == ("success", "rules")


def wait_for_status(listing: UploadedJobListing, status: str, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        listing.refresh_from_db()
        if listing.parsing_status == status:
            break
        time.sleep(0.1)
    return listing.parsing_status


def test_killed_worker_process_leaves_claim_that_recovery_marks_error(user, llm, settings):
    llm.configure(stall_after=0)  # the model never answers, so the worker is mid-task when killed
    listing = create_listing(user)
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": database_url(),  # this run's test database, SQLite or PostgreSQL
        "OPENAI_API_KEY": "sk-test",
        "OPENAI_BASE_URL": llm.base_url,
    }
    command = [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.1"]
    worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert wait_for_status(listing, "in_progress") == "in_progress"
    finally:
        worker.kill()
        worker.wait(timeout=10)
    settings.JOB_PARSE_STALE_MINUTES = 0
    call_command("job_listings_recover", stdout=io.StringIO())
    listing.refresh_from_db()
    assert (listing.parsing_status, listing.parsing_error) == ("error", INTERRUPTED_MESSAGE)
