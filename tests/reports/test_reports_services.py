"""Report generation's life: requests, the offline rubric, versions and history, stale claims, the completion receiver."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from interview.core.errors import ServiceError
from interview.interviews.signals import chat_completed
from interview.models import Chat, ExportableReport, ReportVersion, TokenUsage
from interview.reports import services as svc
from tests.factories import ChatFactory
from tests.reports.helpers import QUESTIONS, generate, make_chat

pytestmark = pytest.mark.django_db


def test_offline_chat_is_scored_by_rubric(user, llm):
    report = generate(make_chat(user, offline=True))
    assert (report.status, report.is_offline, report.model_name) == ("ready", True, "offline-rubric")


def test_offline_chat_makes_no_llm_call(user, llm):
    generate(make_chat(user, offline=True))
    assert (llm.requests, TokenUsage.objects.count()) == ([], 0)


def test_no_llm_configured_scores_by_rubric(user, offline_llm):
    assert generate(make_chat(user)).is_offline is True


def test_offline_report_has_one_entry_per_key_question(user, offline_llm):
    report = generate(make_chat(user))
    assert [item["question"] for item in report.question_responses] == list(QUESTIONS)


def test_offline_report_scores_expired_question_zero(user, offline_llm):
    item = generate(make_chat(user)).question_responses[2]
    assert (item["score"], item["feedback"], item["answer"]) == (0, "no answer (time ran out)", "")


def test_report_totals_come_from_chat_state(user, offline_llm):
    report = generate(make_chat(user))
    assert (report.total_questions_asked, report.total_responses_given) == (3, 2)


def test_report_duration_comes_from_timestamps(user, offline_llm):
    assert generate(make_chat(user, minutes=18)).interview_duration_minutes == 18


def test_stopped_chat_duration_ends_at_last_message(user, offline_llm):
    report = generate(make_chat(user, status=Chat.IN_PROGRESS))
    assert report.interview_duration_minutes == 10


def test_report_request_refuses_unstarted_chat(user):
    with pytest.raises(ServiceError, match="not started"):
        svc.report_request(chat=ChatFactory(user=user))


def test_report_request_refuses_busy_report(user):
    chat = make_chat(user)
    svc.report_request(chat=chat)
    with pytest.raises(ServiceError, match="already being generated"):
        svc.report_request(chat=chat)


def test_report_request_accepts_stale_busy_report(user):
    chat = make_chat(user)
    svc.report_request(chat=chat)
    later = timezone.now() + timedelta(minutes=svc.DEFAULT_STALE_MINUTES + 1)
    assert svc.report_request(chat=chat, now=later).status == "pending"


def test_report_request_enqueues_after_commit(user, django_capture_on_commit_callbacks):
    chat = make_chat(user)
    with django_capture_on_commit_callbacks(execute=True):
        svc.report_request(chat=chat)
    assert DBTaskResult.objects.get().args_kwargs["args"] == [chat.pk]


def test_report_enqueue_failure_marks_report_failed(user, monkeypatch, django_capture_on_commit_callbacks):
    class BrokenQueue:
        def enqueue(self, *args):
            raise RuntimeError("queue down")

    monkeypatch.setattr(svc, "report_generate_task", BrokenQueue())
    chat = make_chat(user)
    with django_capture_on_commit_callbacks(execute=True):
        svc.report_request(chat=chat)
    assert ExportableReport.objects.get(chat=chat).error == svc.QUEUE_FAILED_MESSAGE


def test_report_generate_skips_report_not_pending(user, offline_llm):
    chat = make_chat(user)
    generate(chat)
    assert svc.report_generate(chat_id=chat.pk) == "skipped"


def test_regeneration_bumps_version(user, offline_llm):
    chat = make_chat(user)
    generate(chat)
    assert generate(chat).version == 2


def test_regeneration_keeps_previous_scores(user, offline_llm):
    chat = make_chat(user)
    first = generate(chat)
    second = generate(chat)
    kept = ReportVersion.objects.get(report=second)
    assert (kept.version, kept.overall_score, kept.question_scores) == (
        1,
        first.overall_score,
        [q["score"] for q in first.question_responses],
    )


def test_regeneration_invalidates_cached_pdf(user, offline_llm):
    chat = make_chat(user)
    report = generate(chat)
    ExportableReport.objects.filter(pk=report.pk).update(pdf_generated=True, pdf_version=report.version)
    assert generate(chat).pdf_generated is False


def test_failed_regeneration_keeps_previous_content(user, offline_llm, monkeypatch):
    chat = make_chat(user)
    first = generate(chat)

    def failing(chat):
        raise svc.ReportFailed("The AI service failed.")

    monkeypatch.setattr(svc, "report_grade", failing)
    report = generate(chat)
    assert (report.status, report.version, report.overall_score) == ("failed", 1, first.overall_score)


def test_unexpected_error_marks_report_failed(user, offline_llm, monkeypatch):
    def crashing(chat):
        raise KeyError("boom")

    monkeypatch.setattr(svc, "report_grade", crashing)
    chat = make_chat(user)
    svc.report_request(chat=chat)
    with pytest.raises(KeyError):
        svc.report_generate(chat_id=chat.pk)
    assert ExportableReport.objects.get(chat=chat).error == svc.UNEXPECTED_MESSAGE


def test_recover_stale_marks_generating_report_failed(user):
    chat = make_chat(user)
    report = svc.report_request(chat=chat)
    ExportableReport.objects.filter(pk=report.pk).update(
        status="generating", last_updated=timezone.now() - timedelta(hours=1)
    )
    assert (svc.reports_recover_stale(), ExportableReport.objects.get(pk=report.pk).error) == (
        1,
        svc.INTERRUPTED_MESSAGE,
    )


def test_report_weights_setting_changes_overall(user, offline_llm, settings):
    settings.REPORT_WEIGHTS = {"professionalism": 1, "subject_knowledge": 0, "clarity": 0}
    report = generate(make_chat(user))
    assert report.overall_score == report.professionalism_score


def test_chat_completed_requests_report(user, django_capture_on_commit_callbacks):
    chat = make_chat(user)
    with django_capture_on_commit_callbacks(execute=True):
        chat_completed.send(sender=Chat, chat_id=chat.pk, reason="finished")
    assert (ExportableReport.objects.get(chat=chat).status, DBTaskResult.objects.count()) == ("pending", 1)


def test_chat_completed_runs_generation_with_immediate_backend(
    user, offline_llm, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    chat = make_chat(user)
    with django_capture_on_commit_callbacks(execute=True):
        chat_completed.send(sender=Chat, chat_id=chat.pk, reason="finished")
    assert ExportableReport.objects.get(chat=chat).status == "ready"


def test_chat_completed_for_deleted_chat_is_ignored(db):
    chat_completed.send(sender=Chat, chat_id=999_999, reason="finished")
    assert ExportableReport.objects.count() == 0
