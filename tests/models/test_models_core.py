"""The data-model contract for profiles, chats, reports, invitations and role requests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms import modelform_factory
from django.utils import timezone

from interview.models import Chat, ExportableReport, InvitedInterview, RoleChangeRequest, UserProfile
from tests.factories import ChatFactory, InvitationFactory, ReportFactory, RoleChangeRequestFactory, UserFactory

User = get_user_model()


def _choice_values(model, field_name):
    return [value for value, _ in model._meta.get_field(field_name).choices]


def _full_clean_then_save(instance):
    """What a form or service does: validate first, save only when valid."""
    instance.full_clean()
    instance.save()


# --- Field types, sizes and defaults ------------------------------------------------------------

FIELD_SPEC = [
    # (model, field, internal type, attributes the spec fixes)
    (UserProfile, "user", "OneToOneField", {"related_model": User}),
    (UserProfile, "role", "CharField", {"max_length": 20, "default": "candidate"}),
    (UserProfile, "auth_provider", "CharField", {"max_length": 50, "default": "local"}),
    (UserProfile, "created_at", "DateTimeField", {"auto_now_add": True}),
    (UserProfile, "updated_at", "DateTimeField", {"auto_now": True}),
    (Chat, "user", "ForeignKey", {"related_model": User}),
    (Chat, "title", "CharField", {"max_length": 50, "blank": False}),
    (Chat, "messages", "JSONField", {"default": list, "blank": True}),
    (Chat, "key_questions", "JSONField", {"default": list, "blank": True}),
    (Chat, "resume", "ForeignKey", {"null": True, "blank": True}),
    (Chat, "job_listing", "ForeignKey", {"null": True, "blank": True}),
    (Chat, "difficulty", "IntegerField", {"default": 5}),
    (Chat, "type", "CharField", {"max_length": 5}),
    (Chat, "created_at", "DateTimeField", {"auto_now_add": True}),
    (Chat, "updated_at", "DateTimeField", {"auto_now": True}),
    (ExportableReport, "chat", "OneToOneField", {"related_model": Chat}),
    (ExportableReport, "generated_at", "DateTimeField", {"auto_now_add": True}),
    (ExportableReport, "last_updated", "DateTimeField", {"auto_now": True}),
    (ExportableReport, "professionalism_score", "IntegerField", {"null": True, "blank": True}),
    (ExportableReport, "subject_knowledge_score", "IntegerField", {"null": True, "blank": True}),
    (ExportableReport, "clarity_score", "IntegerField", {"null": True, "blank": True}),
    (ExportableReport, "overall_score", "IntegerField", {"null": True, "blank": True}),
    (ExportableReport, "feedback_text", "TextField", {"blank": True}),
    (ExportableReport, "question_responses", "JSONField", {"default": list}),
    (ExportableReport, "total_questions_asked", "IntegerField", {"default": 0}),
    (ExportableReport, "total_responses_given", "IntegerField", {"default": 0}),
    (ExportableReport, "interview_duration_minutes", "IntegerField", {"null": True, "blank": True}),
    (ExportableReport, "pdf_generated", "BooleanField", {"default": False}),
    (ExportableReport, "pdf_file", "FileField", {"blank": True}),
]


@pytest.mark.parametrize(
    ("model", "field_name", "internal_type", "attrs"),
    FIELD_SPEC,
    ids=[f"{m.__name__}.{f}" for m, f, _, _ in FIELD_SPEC],
)
def test_core_field_matches_spec(model, field_name, internal_type, attrs):
    field = model._meta.get_field(field_name)
    assert field.get_internal_type() == internal_type
    for attr, expected in attrs.items():
        assert getattr(field, attr) == expected, f"{model.__name__}.{field_name}.{attr}"


def test_userprofile_related_name_is_profile(user):
    assert UserProfile._meta.get_field("user").remote_field.related_name == "profile"
    assert user.profile == UserProfile.objects.get(user=user)


def test_userprofile_one_per_user(user):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserProfile.objects.create(user=user)


def test_exportablereport_one_per_chat(db):
    report = ReportFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ExportableReport.objects.create(chat=report.chat)


@pytest.mark.parametrize(
    ("field_name", "expected"),
    [("messages", []), ("key_questions", []), ("difficulty", 5)],
)
def test_chat_default(user, field_name, expected):
    chat = Chat.objects.create(user=user, title="Defaults", type="GEN")
    chat.refresh_from_db()
    assert getattr(chat, field_name) == expected


def test_chat_json_defaults_are_not_shared(user):
    first = Chat(user=user, title="A")
    second = Chat(user=user, title="B")
    first.messages.append({"role": "user", "content": "hi"})
    assert second.messages == []


@pytest.mark.parametrize(
    ("field_name", "expected"),
    [
        ("question_responses", []),
        ("total_questions_asked", 0),
        ("total_responses_given", 0),
        ("pdf_generated", False),
        ("feedback_text", ""),
        ("professionalism_score", None),
        ("subject_knowledge_score", None),
        ("clarity_score", None),
        ("overall_score", None),
        ("interview_duration_minutes", None),
    ],
)
def test_exportablereport_default(db, field_name, expected):
    report = ExportableReport.objects.create(chat=ChatFactory())
    report.refresh_from_db()
    assert getattr(report, field_name) == expected


def test_exportablereport_pdf_file_empty_by_default(db):
    report = ExportableReport.objects.create(chat=ChatFactory())
    assert not report.pdf_file


@pytest.mark.parametrize(("field_name", "expected"), [("role", "candidate"), ("auth_provider", "local")])
def test_userprofile_default(user, field_name, expected):
    assert getattr(UserProfile.objects.get(user=user), field_name) == expected


def test_chat_json_fields_round_trip(user):
    messages = [{"role": "user", "content": "Tell me about yourself."}, {"role": "assistant", "content": "Hi"}]
    key_questions = [{"question": "Describe a project.", "time_limit": 300}]
    chat = Chat.objects.create(user=user, title="JSON", messages=messages, key_questions=key_questions)
    chat.refresh_from_db()
    assert (chat.messages, chat.key_questions) == (messages, key_questions)


def test_chat_spec_example_creates(user):
    chat = Chat.objects.create(user=user, title="Python Developer Interview", difficulty=7, type="SKL")
    assert (chat.difficulty, chat.type, chat.resume, chat.job_listing) == (7, "SKL", None, None)


def test_chat_updated_at_moves_on_save(user):
    chat = ChatFactory(user=user)
    before = chat.updated_at
    chat.title = "Renamed"
    chat.save()
    assert chat.updated_at > before
    assert chat.created_at <= before


# --- Choice lists -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "field_name", "expected"),
    [
        (UserProfile, "role", ["admin", "interviewer", "candidate"]),
        (Chat, "type", ["GEN", "SKL", "PER", "FIN"]),
        (InvitedInterview, "status", ["pending", "in_progress", "completed", "reviewed", "expired"]),
        (RoleChangeRequest, "status", ["pending", "approved", "rejected"]),
        (RoleChangeRequest, "requested_role", ["admin", "interviewer", "candidate"]),
    ],
    ids=["profile-role", "chat-type", "invitation-status", "rolerequest-status", "rolerequest-role"],
)
def test_core_choices_exact(model, field_name, expected):
    assert _choice_values(model, field_name) == expected


@pytest.mark.parametrize(
    ("code", "display"),
    [
        ("GEN", "General Interview"),
        ("SKL", "Industry Skills"),
        ("PER", "Personality/Culture Fit"),
        ("FIN", "Final Screening"),
    ],
)
def test_chat_get_type_display(code, display):
    assert Chat(type=code).get_type_display() == display


@pytest.mark.parametrize(
    ("constant", "value"),
    [("ADMIN", "admin"), ("INTERVIEWER", "interviewer"), ("CANDIDATE", "candidate")],
)
def test_userprofile_role_constant(constant, value):
    assert getattr(UserProfile, constant) == value


def test_chat_type_outside_choices_rejected(user):
    chat = Chat(user=user, title="Bad type", type="XXX")
    with pytest.raises(ValidationError) as exc:
        chat.full_clean()
    assert "type" in exc.value.message_dict


def test_userprofile_role_outside_choices_rejected(user):
    profile = user.profile
    profile.role = "superhero"
    with pytest.raises(ValidationError) as exc:
        profile.full_clean()
    assert "role" in exc.value.message_dict


def test_invitedinterview_default_status_pending(db):
    assert InvitationFactory().status == InvitedInterview.PENDING


def test_rolechangerequest_default_status_pending(db):
    assert RoleChangeRequestFactory().status == RoleChangeRequest.PENDING


# --- Validators -------------------------------------------------------------------------------


@pytest.mark.parametrize("difficulty", [0, 11, -5, 100])
def test_chat_difficulty_out_of_range_rejected(user, difficulty):
    chat = Chat(user=user, title="Out of range", type="GEN", difficulty=difficulty)
    with pytest.raises(ValidationError) as exc:
        chat.full_clean()
    assert list(exc.value.message_dict) == ["difficulty"]


@pytest.mark.parametrize("difficulty", [0, 11])
def test_chat_difficulty_invalid_saves_nothing(user, difficulty):
    before = Chat.objects.count()
    with pytest.raises(ValidationError):
        _full_clean_then_save(Chat(user=user, title="Nope", type="GEN", difficulty=difficulty))
    assert Chat.objects.count() == before


@pytest.mark.parametrize("difficulty", [1, 5, 10])
def test_chat_difficulty_in_range_accepted(user, difficulty):
    _full_clean_then_save(Chat(user=user, title="Fine", type="GEN", difficulty=difficulty))
    assert Chat.objects.get(title="Fine").difficulty == difficulty


@pytest.mark.parametrize("difficulty", ["0", "11"])
def test_chat_modelform_rejects_difficulty(db, difficulty):
    form_class = modelform_factory(Chat, fields=["title", "type", "difficulty"])
    form = form_class(data={"title": "Form chat", "type": "GEN", "difficulty": difficulty})
    assert not form.is_valid()
    assert "difficulty" in form.errors
    assert Chat.objects.count() == 0


def test_chat_title_longer_than_50_rejected(user):
    chat = Chat(user=user, title="x" * 51, type="GEN")
    with pytest.raises(ValidationError) as exc:
        chat.full_clean()
    assert "title" in exc.value.message_dict


SCORE_FIELDS = ["professionalism_score", "subject_knowledge_score", "clarity_score", "overall_score"]


@pytest.mark.parametrize("field_name", SCORE_FIELDS)
@pytest.mark.parametrize("score", [-1, 101])
def test_exportablereport_score_out_of_range_rejected(db, field_name, score):
    report = ExportableReport(chat=ChatFactory(), **{field_name: score})
    with pytest.raises(ValidationError) as exc:
        _full_clean_then_save(report)
    assert list(exc.value.message_dict) == [field_name]
    assert ExportableReport.objects.count() == 0


@pytest.mark.parametrize("field_name", SCORE_FIELDS)
@pytest.mark.parametrize("score", [0, 100, None])
def test_exportablereport_score_in_range_accepted(db, field_name, score):
    _full_clean_then_save(ExportableReport(chat=ChatFactory(), **{field_name: score}))
    assert getattr(ExportableReport.objects.get(), field_name) == score


@pytest.mark.parametrize("minutes", [14, 241, 0])
def test_invitedinterview_duration_out_of_range_rejected(interviewer, minutes):
    invitation = InvitedInterview(
        interviewer=interviewer,
        candidate_email="cand@example.com",
        scheduled_time=timezone.now(),
        duration_minutes=minutes,
    )
    with pytest.raises(ValidationError) as exc:
        _full_clean_then_save(invitation)
    assert list(exc.value.message_dict) == ["duration_minutes"]
    assert InvitedInterview.objects.count() == 0


@pytest.mark.parametrize("minutes", [15, 60, 240])
def test_invitedinterview_duration_in_range_accepted(interviewer, minutes):
    _full_clean_then_save(
        InvitedInterview(
            interviewer=interviewer,
            candidate_email="cand@example.com",
            scheduled_time=timezone.now(),
            duration_minutes=minutes,
        )
    )
    assert InvitedInterview.objects.get().duration_minutes == minutes


def test_invitedinterview_bad_email_rejected(interviewer):
    invitation = InvitedInterview(
        interviewer=interviewer, candidate_email="not-an-email", scheduled_time=timezone.now()
    )
    with pytest.raises(ValidationError) as exc:
        invitation.full_clean()
    assert "candidate_email" in exc.value.message_dict


# --- __str__ ----------------------------------------------------------------------------------


def test_userprofile_str_names_user_role_and_provider(db):
    profile = UserFactory(username="alice", role="interviewer").profile
    profile.auth_provider = "google"
    text = str(profile).lower()
    assert "alice" in text
    assert "interviewer" in text
    assert "google" in text


def test_chat_str_is_title(db):
    assert str(ChatFactory(title="Backend round")) == "Backend round"


def test_exportablereport_str_is_chat_title_plus_report(db):
    assert str(ReportFactory(chat__title="Backend round")) == "Backend round Report"


def test_invitedinterview_str_names_email_and_time(db):
    when = datetime(2030, 1, 2, 9, 30, tzinfo=UTC)
    invitation = InvitationFactory(candidate_email="c@example.com", scheduled_time=when)
    assert str(invitation) == "Invitation for c@example.com at 2030-01-02 09:30"


def test_rolechangerequest_str_names_user_role_and_status(db):
    request = RoleChangeRequestFactory(user=UserFactory(username="bob"), requested_role="admin")
    text = str(request)
    assert "bob" in text
    assert "admin" in text
    assert "pending" in text
