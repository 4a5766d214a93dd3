"""Background parsing of job listings without a model: the claim, the rules, recovery and re-parsing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from interview.core.errors import ServiceError
from interview.documents import job_parsing as jp
from interview.documents.services import job_listing_create
from interview.models import TokenUsage, UploadedJobListing
from tests.factories import JobListingFactory, TagFactory, TemplateFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("offline_llm")]
SENIOR_JOB = (
    "Senior Django Developer\nWe need 6+ years of Python, Django and PostgreSQL.\nResponsibilities:\n- Ship APIs"
)


def parsed(listing: UploadedJobListing) -> UploadedJobListing:
    jp.job_listing_parse(listing_id=listing.pk)
    listing.refresh_from_db()
    return listing


def test_parse_offline_succeeds(user):
    listing = parsed(JobListingFactory(user=user, content=SENIOR_JOB))
    assert (listing.parsing_status, listing.parsing_error) == ("success", "")


def test_parse_offline_finds_skills(user):
    listing = parsed(JobListingFactory(user=user, content=SENIOR_JOB))
    assert listing.required_skills == ["Django", "Python", "PostgreSQL"]


def test_parse_offline_finds_seniority(user):
    assert parsed(JobListingFactory(user=user, content=SENIOR_JOB)).seniority_level == "senior"


def test_parse_offline_says_rules_were_used(user):
    assert parsed(JobListingFactory(user=user, content=SENIOR_JOB)).requirements["parsed_by"] == "rules"


def test_parse_offline_sets_parsed_at(user):
    before = timezone.now()
    assert parsed(JobListingFactory(user=user, content=SENIOR_JOB)).parsed_at >= before


def test_parse_offline_records_no_token_usage(user):
    parsed(JobListingFactory(user=user, content=SENIOR_JOB))
    assert not TokenUsage.objects.exists()


def test_parse_recommends_visible_template(user):
    TemplateFactory(user=user, difficulty=1)
    fitting = TemplateFactory(user=user, difficulty=4)
    assert parsed(JobListingFactory(user=user, content=SENIOR_JOB)).recommended_template == fitting


def test_parse_ignores_other_users_private_templates(user):
    TemplateFactory(difficulty=4)  # someone else's, not public
    assert parsed(JobListingFactory(user=user, content=SENIOR_JOB)).recommended_template is None


def test_parse_prefers_template_tagged_with_skills(user):
    TemplateFactory(user=user, difficulty=4)
    tagged = TemplateFactory(user=user, difficulty=4)
    tagged.tags.add(TagFactory(name="Django"))
    assert parsed(JobListingFactory(user=user, content=SENIOR_JOB)).recommended_template == tagged


def test_parse_skips_listing_not_pending(user):
    listing = JobListingFactory(user=user, parsing_status="success")
    assert jp.job_listing_parse(listing_id=listing.pk) == "skipped"


def test_parse_skips_deleted_listing():
    assert jp.job_listing_parse(listing_id=987654) == "skipped"


def test_parse_does_not_overwrite_a_newer_claim(user, monkeypatch):
    listing = JobListingFactory(user=user, content=SENIOR_JOB)
    real = jp.parse_listing

    def reclaimed_meanwhile(row):
        UploadedJobListing.objects.filter(pk=row.pk).update(parsed_at=timezone.now() + timedelta(seconds=5))
        return real(row)

    monkeypatch.setattr(jp, "parse_listing", reclaimed_meanwhile)
    assert jp.job_listing_parse(listing_id=listing.pk) == "skipped"


def test_parse_unexpected_failure_marks_error_and_reraises(user, monkeypatch):
    listing = JobListingFactory(user=user)
    monkeypatch.setattr(jp, "parse_listing", lambda row: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        jp.job_listing_parse(listing_id=listing.pk)
    listing.refresh_from_db()
    assert (listing.parsing_status, listing.parsing_error) == ("error", jp.UNEXPECTED_MESSAGE)


def test_recover_stale_marks_old_claims_as_error(user):
    old = timezone.now() - timedelta(minutes=16)
    listing = JobListingFactory(user=user, parsing_status="in_progress", parsed_at=old)
    jp.job_listings_recover_stale()
    listing.refresh_from_db()
    assert (listing.parsing_status, listing.parsing_error) == ("error", jp.INTERRUPTED_MESSAGE)


def test_recover_stale_leaves_recent_claims(user):
    JobListingFactory(user=user, parsing_status="in_progress", parsed_at=timezone.now())
    assert jp.job_listings_recover_stale() == 0


def test_recover_stale_honours_setting(user, settings):
    settings.JOB_PARSE_STALE_MINUTES = 1
    JobListingFactory(user=user, parsing_status="in_progress", parsed_at=timezone.now() - timedelta(minutes=2))
    assert jp.job_listings_recover_stale() == 1


def test_task_run_recovers_stale_claims_first(user):
    stuck = JobListingFactory(user=user, parsing_status="in_progress", parsed_at=timezone.now() - timedelta(hours=1))
    jp.job_listing_parse_task.call(JobListingFactory(user=user).pk)
    stuck.refresh_from_db()
    assert stuck.parsing_status == "error"


def test_recover_command_reports_count(user, capsys):
    JobListingFactory(user=user, parsing_status="in_progress", parsed_at=timezone.now() - timedelta(hours=1))
    call_command("job_listings_recover")
    assert capsys.readouterr().out.startswith("1 job listing(s)")


def test_enqueue_failure_marks_error(user, monkeypatch):
    listing = JobListingFactory(user=user)

    def broken(*args):
        raise RuntimeError("queue down")

    monkeypatch.setattr(DatabaseBackend, "enqueue", broken)
    jp.job_listing_enqueue(listing_id=listing.pk)
    listing.refresh_from_db()
    assert (listing.parsing_status, listing.parsing_error) == ("error", jp.QUEUE_FAILED_MESSAGE)


def test_reparse_returns_error_to_pending(user):
    listing = JobListingFactory(user=user, parsing_status="error", parsing_error="boom")
    jp.job_listing_reparse(listing=listing)
    assert (listing.parsing_status, listing.parsing_error, listing.parsed_at) == ("pending", "", None)


def test_reparse_queues_on_commit(user, django_capture_on_commit_callbacks):
    listing = JobListingFactory(user=user, parsing_status="error")
    with django_capture_on_commit_callbacks(execute=True):
        jp.job_listing_reparse(listing=listing)
    assert DBTaskResult.objects.count() == 1


def test_reparse_refused_while_busy(user):
    listing = JobListingFactory(user=user, parsing_status="in_progress", parsed_at=timezone.now())
    with pytest.raises(ServiceError) as caught:
        jp.job_listing_reparse(listing=listing)
    assert caught.value.code == "parsing_busy"


def test_create_with_immediate_backend_parses_after_commit(user, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        listing = job_listing_create(user=user, title="Dev", content=SENIOR_JOB)
    listing.refresh_from_db()
    assert listing.parsing_status == "success"


def test_parse_stopped_worker_marks_interrupted(user, monkeypatch):
    listing = JobListingFactory(user=user)

    def stopped(row):
        raise SystemExit(1)

    monkeypatch.setattr(jp, "parse_listing", stopped)
    with pytest.raises(SystemExit):
        jp.job_listing_parse(listing_id=listing.pk)
    listing.refresh_from_db()
    assert (listing.parsing_status, listing.parsing_error) == ("error", jp.INTERRUPTED_MESSAGE)
