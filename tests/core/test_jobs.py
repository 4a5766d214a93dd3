"""The row-backed background job helper: enqueue or fail, claim, finish while the claim holds, recovery."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from interview.core.jobs import RowJob
from interview.models import ExportableReport
from tests.factories import ChatFactory, ReportFactory

pytestmark = pytest.mark.django_db

Report = ExportableReport
JOB = RowJob(
    model=Report,
    key="chat_id",
    status_field="status",
    lease_field="last_updated",
    error_field="error",
    pending=Report.PENDING,
    running=Report.GENERATING,
    failed=Report.FAILED,
    stale_after=lambda: timedelta(minutes=10),
    interrupted_message="interrupted",
    queue_failed_message="not queued",
    label="test job",
)


class Queue:
    def __init__(self, *, broken: bool = False) -> None:
        self.broken = broken
        self.queued: list[object] = []

    def enqueue(self, *args: object) -> None:
        if self.broken:
            raise ConnectionError("queue down")
        self.queued.append(args)


@pytest.fixture
def report(user):
    return ReportFactory(chat=ChatFactory(user=user), status=Report.PENDING, error="")


def stored(report: ExportableReport) -> tuple[str, str]:
    report.refresh_from_db()
    return report.status, report.error


def test_jobs_claim_takes_a_pending_row(report):
    claimed_at = JOB.claim(report.chat_id)

    report.refresh_from_db()
    assert (report.status, report.last_updated) == (Report.GENERATING, claimed_at)


def test_jobs_claim_refuses_a_row_already_claimed(report):
    JOB.claim(report.chat_id)

    assert JOB.claim(report.chat_id) is None


def test_jobs_claim_of_a_missing_row_is_none(db):
    assert JOB.claim(999_999) is None


def test_jobs_finish_stores_while_the_claim_holds(report):
    claimed_at = JOB.claim(report.chat_id)

    assert JOB.finish(report.chat_id, claimed_at, status=Report.READY, feedback_text="ok") is True
    assert (stored(report), report.feedback_text) == ((Report.READY, ""), "ok")


def test_jobs_finish_after_losing_the_claim_changes_nothing(report):
    claimed_at = JOB.claim(report.chat_id)
    JOB.recover_stale(now=timezone.now() + timedelta(minutes=11))  # taken from us as abandoned

    assert JOB.finish(report.chat_id, claimed_at, status=Report.READY) is False
    assert stored(report) == (Report.FAILED, "interrupted")


def test_jobs_fail_stores_the_reason(report):
    claimed_at = JOB.claim(report.chat_id)

    JOB.fail(report.chat_id, claimed_at, "the model refused")

    assert stored(report) == (Report.FAILED, "the model refused")


def test_jobs_holds_tells_our_claim_from_a_later_one(report):
    first = JOB.claim(report.chat_id)
    Report.objects.filter(pk=report.pk).update(last_updated=first + timedelta(seconds=1))
    report.refresh_from_db()

    assert JOB.holds(report, first) is False


def test_jobs_recover_stale_fails_old_claims(report):
    JOB.claim(report.chat_id)

    assert JOB.recover_stale(now=timezone.now() + timedelta(minutes=11)) == 1
    assert stored(report) == (Report.FAILED, "interrupted")


def test_jobs_recover_stale_leaves_recent_claims(report):
    JOB.claim(report.chat_id)

    assert JOB.recover_stale(now=timezone.now() + timedelta(minutes=9)) == 0


def test_jobs_recover_stale_leaves_pending_rows(report):
    Report.objects.filter(pk=report.pk).update(last_updated=timezone.now() - timedelta(days=1))

    assert JOB.recover_stale() == 0


def test_jobs_enqueue_queues_the_key(report):
    queue = Queue()

    JOB.enqueue(queue, report.chat_id)

    assert (queue.queued, stored(report)) == ([(report.chat_id,)], (Report.PENDING, ""))


def test_jobs_enqueue_failure_fails_the_pending_row(report):
    JOB.enqueue(Queue(broken=True), report.chat_id)

    assert stored(report) == (Report.FAILED, "not queued")


def test_jobs_enqueue_recovers_abandoned_rows_first(report, user):
    other = ReportFactory(chat=ChatFactory(user=user), status=Report.GENERATING)
    Report.objects.filter(pk=other.pk).update(last_updated=timezone.now() - timedelta(minutes=11))

    JOB.enqueue(Queue(), report.chat_id)

    assert stored(other) == (Report.FAILED, "interrupted")
