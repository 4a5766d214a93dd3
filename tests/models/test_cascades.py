"""Every row of the spec's deletion table, and files leaving storage with their rows."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.db import transaction

from interview.models import (
    Chat,
    ExportableReport,
    InterviewTemplate,
    InvitedInterview,
    Question,
    QuestionBank,
    RoleChangeRequest,
    Tag,
    UploadedJobListing,
    UploadedResume,
    UserProfile,
)
from tests.factories import (
    ChatFactory,
    InvitationFactory,
    JobListingFactory,
    MergeTokenStatsFactory,
    QuestionBankFactory,
    QuestionFactory,
    ReportFactory,
    ResumeFactory,
    RoleChangeRequestFactory,
    TagFactory,
    TemplateFactory,
    TokenUsageFactory,
    UserFactory,
)

# --- User → owned rows: CASCADE -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("factory", "model"),
    [
        (ResumeFactory, UploadedResume),
        (JobListingFactory, UploadedJobListing),
        (TemplateFactory, InterviewTemplate),
        (ChatFactory, Chat),
    ],
    ids=["resume", "job_listing", "template", "chat"],
)
def test_cascade_user_delete_deletes_owned(db, factory, model):
    owner, bystander = UserFactory(), UserFactory()
    mine, theirs = factory(user=owner), factory(user=bystander)
    owner.delete()
    assert not model.objects.filter(pk=mine.pk).exists()
    assert model.objects.filter(pk=theirs.pk).exists()


def test_cascade_user_delete_deletes_profile(user):
    profile_pk = user.profile.pk
    user.delete()
    assert not UserProfile.objects.filter(pk=profile_pk).exists()


# --- User → ledger rows: SET_NULL ----------------------------------------------------------------


def test_cascade_user_delete_keeps_tokenusage_without_user(user):
    usage = TokenUsageFactory(user=user)
    user.delete()
    usage.refresh_from_db()
    assert usage.user is None


def test_cascade_user_delete_keeps_mergetokenstats_without_merged_by(user):
    stats = MergeTokenStatsFactory(merged_by=user)
    user.delete()
    stats.refresh_from_db()
    assert stats.merged_by is None


# --- Chat → ExportableReport: CASCADE --------------------------------------------------------------


def test_cascade_chat_delete_deletes_report(db):
    report = ReportFactory()
    report.chat.delete()
    assert not ExportableReport.objects.filter(pk=report.pk).exists()


def test_cascade_user_delete_deletes_report_through_chat(user):
    report = ReportFactory(chat__user=user)
    user.delete()
    assert not ExportableReport.objects.filter(pk=report.pk).exists()


def test_cascade_report_delete_keeps_chat(db):
    report = ReportFactory()
    report.delete()
    assert Chat.objects.filter(pk=report.chat_id).exists()


# --- Documents → Chat: SET_NULL ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("factory", "field_name"),
    [(ResumeFactory, "resume"), (JobListingFactory, "job_listing")],
    ids=["resume", "job_listing"],
)
def test_cascade_document_delete_keeps_chat_unlinked(user, factory, field_name):
    document = factory(user=user)
    chat = ChatFactory(user=user, **{field_name: document})
    document.delete()
    chat.refresh_from_db()
    assert getattr(chat, field_name) is None


# --- InterviewTemplate → UploadedJobListing.recommended_template: SET_NULL --------------------------


def test_cascade_template_delete_keeps_job_listing_unrecommended(user):
    template = TemplateFactory(user=user)
    job = JobListingFactory(user=user, recommended_template=template)
    template.delete()
    job.refresh_from_db()
    assert job.recommended_template is None


# --- Tag / QuestionBank ↔ InterviewTemplate: M2M link removed, both rows kept ------------------------


@pytest.mark.parametrize(
    ("factory", "model", "relation"),
    [(TagFactory, Tag, "tags"), (QuestionBankFactory, QuestionBank, "question_banks")],
    ids=["tag", "question_bank"],
)
def test_cascade_m2m_delete_related_keeps_template(user, factory, model, relation):
    template = TemplateFactory(user=user)
    related, other = factory(), factory()
    getattr(template, relation).add(related, other)
    related.delete()
    assert InterviewTemplate.objects.filter(pk=template.pk).exists()
    assert model.objects.filter(pk=other.pk).exists()
    assert list(getattr(template, relation).all()) == [other]


@pytest.mark.parametrize(
    ("factory", "model", "relation"),
    [(TagFactory, Tag, "tags"), (QuestionBankFactory, QuestionBank, "question_banks")],
    ids=["tag", "question_bank"],
)
def test_cascade_m2m_delete_template_keeps_related(user, factory, model, relation):
    template = TemplateFactory(user=user)
    related = factory()
    getattr(template, relation).add(related)
    template.delete()
    assert model.objects.filter(pk=related.pk).exists()
    through = InterviewTemplate._meta.get_field(relation).remote_field.through
    assert not through.objects.exists()


@pytest.mark.parametrize(
    ("factory", "model", "relation"),
    [(TagFactory, Tag, "tags"), (QuestionBankFactory, QuestionBank, "question_banks")],
    ids=["tag", "question_bank"],
)
def test_cascade_m2m_remove_link_keeps_both(user, factory, model, relation):
    template = TemplateFactory(user=user)
    related = factory()
    getattr(template, relation).add(related)
    getattr(template, relation).remove(related)
    assert InterviewTemplate.objects.filter(pk=template.pk).exists()
    assert model.objects.filter(pk=related.pk).exists()


# --- Beyond the table: questions follow their bank, tags only unlink ------------------------------


def test_cascade_questionbank_delete_deletes_questions(db):
    question = QuestionFactory()
    question.question_bank.delete()
    assert not Question.objects.filter(pk=question.pk).exists()


def test_cascade_tag_delete_keeps_question(db):
    question = QuestionFactory()
    tag = TagFactory()
    question.tags.add(tag)
    tag.delete()
    assert Question.objects.filter(pk=question.pk).exists()
    assert not question.tags.exists()


def test_cascade_chat_delete_keeps_tokenusage_unlinked(user):
    usage = TokenUsageFactory(user=user, chat=ChatFactory(user=user))
    usage.chat.delete()
    usage.refresh_from_db()
    assert (usage.chat, usage.user) == (None, user)


@pytest.mark.parametrize(
    ("field_name", "make_related"),
    [("template", lambda: TemplateFactory()), ("chat", lambda: ChatFactory())],
    ids=["template", "chat"],
)
def test_cascade_invitation_keeps_row_when_link_deleted(db, field_name, make_related):
    related = make_related()
    invitation = InvitationFactory(**{field_name: related})
    related.delete()
    invitation.refresh_from_db()
    assert getattr(invitation, field_name) is None


def test_cascade_interviewer_delete_deletes_invitations(db):
    invitation = InvitationFactory()
    invitation.interviewer.delete()
    assert not InvitedInterview.objects.filter(pk=invitation.pk).exists()


def test_cascade_user_delete_deletes_role_requests(user):
    request = RoleChangeRequestFactory(user=user)
    user.delete()
    assert not RoleChangeRequest.objects.filter(pk=request.pk).exists()


def test_cascade_reviewer_delete_keeps_role_request(admin_user):
    request = RoleChangeRequestFactory(reviewed_by=admin_user, status=RoleChangeRequest.APPROVED)
    admin_user.delete()
    request.refresh_from_db()
    assert (request.reviewed_by, request.status) == (None, "approved")


# --- Files leave storage with their rows (on commit) --------------------------------------------------


def _resume_with_file(user):
    return ResumeFactory(user=user)


def _job_with_file(user):
    return JobListingFactory(
        user=user, file=ContentFile(b"Senior Django developer", name="job.txt"), filename="job.txt"
    )


def _report_with_pdf(user):
    report = ReportFactory(chat__user=user)
    report.pdf_file.save("report.pdf", ContentFile(b"%PDF-1.4 fake"), save=True)
    return report


FILE_OWNERS = [(_resume_with_file, "file"), (_job_with_file, "file"), (_report_with_pdf, "pdf_file")]
FILE_IDS = ["resume", "job_listing", "report_pdf"]


@pytest.mark.parametrize(("make", "field_name"), FILE_OWNERS, ids=FILE_IDS)
def test_files_row_delete_removes_file(user, django_capture_on_commit_callbacks, make, field_name):
    stored = getattr(make(user), field_name)
    storage, name = stored.storage, stored.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        stored.instance.delete()
    assert not storage.exists(name)


@pytest.mark.parametrize(("make", "field_name"), FILE_OWNERS, ids=FILE_IDS)
def test_files_user_delete_removes_files(user, django_capture_on_commit_callbacks, make, field_name):
    stored = getattr(make(user), field_name)
    storage, name = stored.storage, stored.name
    with django_capture_on_commit_callbacks(execute=True):
        user.delete()
    assert not storage.exists(name)


def test_files_chat_delete_removes_report_pdf(user, django_capture_on_commit_callbacks):
    report = _report_with_pdf(user)
    storage, name = report.pdf_file.storage, report.pdf_file.name
    with django_capture_on_commit_callbacks(execute=True):
        report.chat.delete()
    assert not storage.exists(name)


@pytest.mark.parametrize(("make", "field_name"), FILE_OWNERS, ids=FILE_IDS)
def test_files_kept_until_commit(user, django_capture_on_commit_callbacks, make, field_name):
    stored = getattr(make(user), field_name)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        stored.instance.delete()
        assert stored.storage.exists(stored.name)
    assert len(callbacks) == 1


@pytest.mark.parametrize(("make", "field_name"), FILE_OWNERS, ids=FILE_IDS)
def test_files_kept_when_delete_rolls_back(user, django_capture_on_commit_callbacks, make, field_name):
    stored = getattr(make(user), field_name)
    storage, name = stored.storage, stored.name
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            stored.instance.delete()
            raise RuntimeError("roll back")
    assert storage.exists(name)


def test_files_delete_without_file_is_harmless(user, django_capture_on_commit_callbacks):
    job = JobListingFactory(user=user)
    report = ReportFactory(chat__user=user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job.delete()
        report.delete()
    assert callbacks == []


def test_files_queryset_delete_removes_every_file(user, django_capture_on_commit_callbacks):
    resumes = [ResumeFactory(user=user) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        UploadedResume.objects.filter(user=user).delete()
    assert not any(r.file.storage.exists(r.file.name) for r in resumes)


def test_files_other_rows_files_kept(user, django_capture_on_commit_callbacks):
    doomed, kept = ResumeFactory(user=user), ResumeFactory(user=user)
    with django_capture_on_commit_callbacks(execute=True):
        doomed.delete()
    assert kept.file.storage.exists(kept.file.name)


@pytest.mark.django_db(transaction=True)
def test_files_removed_after_real_commit(tmp_path):
    owner = UserFactory(username="committer")
    resume = ResumeFactory(user=owner)
    storage, name = resume.file.storage, resume.file.name
    assert storage.path(name).startswith(str(tmp_path))
    with transaction.atomic():
        resume.delete()
        assert storage.exists(name)
    assert not storage.exists(name)
