"""The admin: every registered model's pages, the usage cost column, exports, imports and role decisions."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from datetime import date

import pytest
import tablib
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from import_export.admin import ExportMixin
from import_export.results import Result
from rest_framework.authtoken.models import Token, TokenProxy

from interview import models as m
from interview.admin.resources import QuestionResource
from interview.audit.actions import AuditAction
from interview.audit.services import audit_record
from tests import factories as f

User = get_user_model()
# django-tasks' own results admin is read-only and not ours to test; nor are django-allauth's (email
# addresses, social apps and accounts, authenticators), which it tests itself.
NOT_OURS = {"django_tasks_database", "account", "socialaccount", "mfa"}
REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label not in NOT_OURS),
    key=lambda model: model._meta.label,
)
ADD_DISABLED = {
    m.UserProfile,
    m.TokenUsage,
    m.MergeTokenStats,
    m.AuditEvent,
    m.Scorecard,
    m.ScoreOverride,
    m.DataExport,
    m.PendingFileDeletion,
    m.BudgetAlert,
}
IMPORTABLE = [m.Tag, m.QuestionBank, m.Question, m.InterviewTemplate]
EXPORTABLE = [model for model in REGISTERED if isinstance(admin.site._registry[model], ExportMixin)]
_serial = itertools.count()


def _label(model: type[Model]) -> str:
    return model._meta.label


def _url(model: type[Model], view: str, *args: object) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _question() -> m.Question:
    question = f.QuestionFactory()
    question.tags.add(f.TagFactory())
    return question


def _template() -> m.InterviewTemplate:
    template = f.TemplateFactory()
    template.tags.add(f.TagFactory())
    template.question_banks.add(f.QuestionBankFactory())
    return template


def _merge() -> m.MergeTokenStats:
    return m.MergeTokenStats.objects.create(
        source_branch="feature/x", commit_sha=f"{next(_serial):040x}", merged_by=f.UserFactory(), total_cost=0.5
    )


# Builds one valid row of each registered model (with its relations filled, so every column renders).
BUILDERS: dict[type[Model], Callable[[], Model]] = {
    Group: lambda: Group.objects.create(name=f"group{next(_serial)}"),
    User: f.UserFactory,
    TokenProxy: lambda: Token.objects.create(user=f.UserFactory()),
    m.UserProfile: lambda: f.UserFactory().profile,
    m.UploadedResume: f.ResumeFactory,
    m.UploadedJobListing: lambda: f.JobListingFactory(recommended_template=f.TemplateFactory()),
    m.Tag: f.TagFactory,
    m.QuestionBank: lambda: _question().question_bank,
    m.Question: _question,
    m.InterviewTemplate: _template,
    m.Chat: lambda: f.ChatFactory(messages=[{"role": "assistant", "content": "Tell me about <yourself>."}]),
    m.ExportableReport: lambda: f.ReportFactory(overall_score=80),
    m.InvitedInterview: lambda: f.InvitationFactory(template=f.TemplateFactory(), chat=f.ChatFactory()),
    m.RoleChangeRequest: f.RoleChangeRequestFactory,
    m.TokenUsage: lambda: f.TokenUsageFactory(chat=f.ChatFactory()),
    m.MergeTokenStats: _merge,
    m.ReportVersion: lambda: m.ReportVersion.objects.create(
        report=f.ReportFactory(), version=next(_serial) + 1, overall_score=70, generated_at=timezone.now()
    ),
    m.ObserverNote: lambda: m.ObserverNote.objects.create(
        chat=f.ChatFactory(), author=f.UserFactory(), text="Clear answer."
    ),
    m.AuditEvent: lambda: audit_record(
        actor=f.UserFactory(), action=AuditAction.REPORT_EXPORTED, target=f.ChatFactory(), subject=f.UserFactory()
    ),
    m.ScoreOverride: lambda: m.ScoreOverride.objects.create(
        report=f.ReportFactory(),
        kind=m.ScoreOverride.QUESTION,
        question_number=1,
        ai_score=7,
        score=5,
        reason="Missed the trade-offs.",
        by=f.UserFactory(),
        version=2,
    ),
    m.DataExport: lambda: m.DataExport.objects.create(user=f.UserFactory(), status=m.DataExport.FAILED, error="x"),
    m.PendingFileDeletion: lambda: m.PendingFileDeletion.objects.create(name=f"uploads/gone-{next(_serial)}.txt"),
    m.AccommodationRequest: lambda: m.AccommodationRequest.objects.create(
        invitation=f.InvitationFactory(template=f.TemplateFactory()), requested_multiplier="1.50"
    ),
    m.BudgetAlert: lambda: m.BudgetAlert.objects.create(month=date(2000 + next(_serial), 1, 1), threshold=80),
    m.Scorecard: lambda: m.Scorecard.objects.create(
        chat=f.ChatFactory(),
        interviewer=f.UserFactory(),
        scores={"clarity": {"score": 4, "comment": ""}},
        status=m.Scorecard.SUBMITTED,
        reopened_by=f.UserFactory(),
    ),
    m.FairnessTerm: lambda: m.FairnessTerm.objects.create(
        term=f"test term {next(_serial)}", category="age", severity="warn", explanation="A test term."
    ),
}


def _change_id(obj: Model) -> object:
    return obj.user_id if isinstance(obj, Token) else obj.pk  # DRF's token admin is keyed by user


def _changelist_queries(client, model: type[Model]) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url(model, "changelist")).status_code == 200
    return len(queries)


def test_admin_registers_every_interview_model():
    assert set(apps.get_app_config("interview").get_models()) <= set(admin.site._registry)


def test_admin_user_changelist_shows_role(admin_client, interviewer):
    response = admin_client.get(_url(User, "changelist"))
    assert '<td class="field-role">Interviewer</td>' in response.content.decode()


@pytest.mark.parametrize("model", REGISTERED, ids=_label)
def test_admin_changelist_renders(admin_client, model):
    BUILDERS[model]()
    assert admin_client.get(_url(model, "changelist")).status_code == 200


@pytest.mark.parametrize("model", REGISTERED, ids=_label)
def test_admin_changelist_queries_do_not_grow_with_rows(admin_client, model):
    BUILDERS[model]()
    one_row = _changelist_queries(admin_client, model)
    for _ in range(3):
        BUILDERS[model]()
    assert _changelist_queries(admin_client, model) == one_row


@pytest.mark.parametrize("model", [model for model in REGISTERED if model not in ADD_DISABLED], ids=_label)
def test_admin_add_page_renders(admin_client, model):
    assert admin_client.get(_url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", sorted(ADD_DISABLED, key=_label), ids=_label)
def test_admin_add_page_forbidden_when_add_disabled(admin_client, model):
    assert admin_client.get(_url(model, "add")).status_code == 403


@pytest.mark.parametrize("model", REGISTERED, ids=_label)
def test_admin_change_page_renders(admin_client, model):
    obj = BUILDERS[model]()
    assert admin_client.get(_url(model, "change", _change_id(obj))).status_code == 200


@pytest.mark.parametrize("model", EXPORTABLE, ids=_label)
def test_admin_export_offers_csv_and_xlsx(model):
    formats = [fmt().get_title() for fmt in admin.site._registry[model].get_export_formats()]
    assert formats == ["csv", "xlsx"]


@pytest.mark.parametrize("model", IMPORTABLE, ids=_label)
def test_admin_import_page_renders(admin_client, model):
    assert admin_client.get(_url(model, "import")).status_code == 200


def test_admin_import_page_forbidden_to_view_only_staff(client, db):
    staff = f.UserFactory(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_question"))
    client.force_login(staff)
    assert client.get(_url(m.Question, "import")).status_code == 403


def test_chat_admin_change_page_shows_transcript_escaped(admin_client):
    chat = BUILDERS[m.Chat]()
    response = admin_client.get(_url(m.Chat, "change", chat.pk))
    assert "Tell me about &lt;yourself&gt;." in response.content.decode()


def test_token_usage_admin_cost_unknown_for_unpriced_model(admin_client):
    f.TokenUsageFactory(model_name="mystery-llm-9000")
    response = admin_client.get(_url(m.TokenUsage, "changelist"))
    assert '<td class="field-cost">unknown</td>' in response.content.decode()


def test_token_usage_admin_cost_priced_for_gpt_4o(admin_client):
    f.TokenUsageFactory(model_name="gpt-4o", prompt_tokens=100, completion_tokens=50)
    response = admin_client.get(_url(m.TokenUsage, "changelist"))
    assert '<td class="field-cost">0.006000</td>' in response.content.decode()


def test_token_usage_admin_change_post_forbidden(admin_client):
    usage = f.TokenUsageFactory(prompt_tokens=100)
    response = admin_client.post(_url(m.TokenUsage, "change", usage.pk), {"prompt_tokens": 1})
    assert response.status_code == 403


def test_merge_token_stats_admin_shows_branch_cost(admin_client):
    _merge()
    response = admin_client.get(_url(m.MergeTokenStats, "changelist"))
    assert '<td class="field-branch_cost_usd">0.500000</td>' in response.content.decode()


def _export_csv(client, model: type[Model]):
    """POST import-export 4's export form: CSV (format 0), the only resource, every column ticked."""
    resource = admin.site._registry[model].resource_classes[0]
    columns = {f"{resource.__name__.lower()}_{name}": "on" for name in resource().get_export_order()}
    return client.post(_url(model, "export"), {"format": "0", "resource": "0", **columns})


def _export_queries(client, model: type[Model]) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert _export_csv(client, model)["Content-Type"].startswith("text/csv")
    return len(queries)


@pytest.mark.parametrize("model", EXPORTABLE, ids=_label)
def test_admin_export_csv_has_a_line_per_row(admin_client, model):
    BUILDERS[model]()
    lines = _export_csv(admin_client, model).content.decode().strip().splitlines()
    assert len(lines) == 1 + model.objects.count()


@pytest.mark.parametrize("model", EXPORTABLE, ids=_label)
def test_admin_export_queries_do_not_grow_with_rows(admin_client, model):
    BUILDERS[model]()
    one_row = _export_queries(admin_client, model)
    for _ in range(3):
        BUILDERS[model]()
    assert _export_queries(admin_client, model) == one_row


def test_question_admin_export_csv_contains_question_text(admin_client):
    question = f.QuestionFactory(text="What is a race condition?")
    question.tags.add(f.TagFactory(name="concurrency"))
    response = _export_csv(admin_client, m.Question)
    assert response["Content-Type"].startswith("text/csv")
    assert "What is a race condition?" in response.content.decode()


def _import_questions(**row: object) -> Result:
    dataset = tablib.Dataset(headers=["id", "question_bank", "text", "difficulty", "interview_type", "tags"])
    dataset.append(["", row["bank"], "Explain the GIL.", "hard", "", row["tags"]])
    return QuestionResource().import_data(dataset, dry_run=False)


def test_question_resource_import_resolves_bank_by_id_and_tags_by_name(db):
    bank = f.QuestionBankFactory()
    f.TagFactory(name="python")
    f.TagFactory(name="Concurrency")
    assert not _import_questions(bank=bank.pk, tags="#Python, concurrency").has_errors()
    question = m.Question.objects.get(text="Explain the GIL.")
    assert (question.question_bank, sorted(t.name for t in question.tags.all())) == (bank, ["Concurrency", "python"])


def test_question_resource_import_rejects_unknown_tag(db):
    result = _import_questions(bank=f.QuestionBankFactory().pk, tags="python, no-such-tag")
    assert result.has_validation_errors()


def test_question_admin_import_creates_question(admin_client):
    bank = f.QuestionBankFactory()
    f.TagFactory(name="python")
    csv = f"id,question_bank,text,difficulty,interview_type,tags\n,{bank.pk},What is the GIL?,hard,,python\n"
    upload = SimpleUploadedFile("questions.csv", csv.encode(), "text/csv")
    preview = admin_client.post(_url(m.Question, "import"), {"format": "0", "resource": "0", "import_file": upload})
    confirm = dict(
        re.findall(
            r'name="(import_file_name|original_file_name|format|resource)" value="([^"]*)"', preview.content.decode()
        )
    )
    admin_client.post(_url(m.Question, "process_import"), confirm)
    assert list(m.Question.objects.values_list("text", "tags__name")) == [("What is the GIL?", "python")]


def _run_action(client, action: str, *requests: m.RoleChangeRequest):
    data = {"action": action, "_selected_action": [req.pk for req in requests]}
    return client.post(_url(m.RoleChangeRequest, "changelist"), data)


def test_role_request_approve_grants_role(admin_client, user):
    request = f.RoleChangeRequestFactory(user=user, requested_role="interviewer")
    _run_action(admin_client, "approve", request)
    user.profile.refresh_from_db()
    assert user.profile.role == "interviewer"


def test_role_request_approve_records_reviewer(admin_client, admin_user):
    request = f.RoleChangeRequestFactory()
    _run_action(admin_client, "approve", request)
    request.refresh_from_db()
    assert (request.status, request.reviewed_by, request.reviewed_at is not None) == ("approved", admin_user, True)


def test_role_request_second_pending_is_refused_by_database(user):
    from django.db import IntegrityError, transaction

    f.RoleChangeRequestFactory(user=user)
    with pytest.raises(IntegrityError), transaction.atomic():
        f.RoleChangeRequestFactory(user=user)


def test_role_request_approve_skips_decided_request(admin_client, user):
    rejected = f.RoleChangeRequestFactory(user=user, status="rejected")
    _run_action(admin_client, "approve", rejected)
    rejected.refresh_from_db()
    user.profile.refresh_from_db()
    assert (rejected.status, rejected.reviewed_at, user.profile.role) == ("rejected", None, "candidate")


def test_role_request_approve_reports_skipped_count(admin_client):
    response = _run_action(
        admin_client, "approve", f.RoleChangeRequestFactory(), f.RoleChangeRequestFactory(status="approved")
    )
    notes = [str(message) for message in get_messages(response.wsgi_request)]
    assert notes == ["Approved 1 request(s).", "Skipped 1 request(s) already decided."]


def test_role_request_reject_keeps_role(admin_client, user):
    request = f.RoleChangeRequestFactory(user=user)
    _run_action(admin_client, "reject", request)
    request.refresh_from_db()
    user.profile.refresh_from_db()
    assert (request.status, user.profile.role) == ("rejected", "candidate")
