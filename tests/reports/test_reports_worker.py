"""End to end through the durable queue: a completed interview's report is built by `manage.py db_worker --batch`."""

from __future__ import annotations

import json
import signal

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from interview.interviews.signals import chat_completed
from interview.models import Chat, ExportableReport, TokenUsage
from tests.fakes.openai_server import FakeResponse
from tests.reports.helpers import make_chat, valid

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def run_worker():
    """Run the real db_worker command once over the queue, restoring the signal handlers it installs."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}

    def run() -> None:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    yield run
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def complete(chat: Chat) -> None:
    chat_completed.send(sender=Chat, chat_id=chat.pk, reason="finished")


def test_worker_builds_offline_report(user, offline_llm, run_worker):
    chat = make_chat(user)
    complete(chat)
    run_worker()
    report = ExportableReport.objects.get(chat=chat)
    assert (report.status, report.is_offline, DBTaskResult.objects.get().status) == ("ready", True, "SUCCESSFUL")


def test_worker_builds_llm_report_with_usage(user, llm, run_worker):
    llm.enqueue(FakeResponse(text=json.dumps(valid())))
    chat = make_chat(user)
    complete(chat)
    run_worker()
    assert (ExportableReport.objects.get(chat=chat).status, TokenUsage.objects.get().request_type) == (
        "ready",
        "report",
    )
