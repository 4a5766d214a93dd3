"""The role checks in interview.accounts.permissions, for every role, anonymous users and superusers."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory

from interview.accounts.permissions import (
    HasRole,
    IsAdminRole,
    IsInterviewerOrAdmin,
    can_observe_chat,
    can_view_chat,
    has_role,
    is_admin,
    is_candidate,
    is_interviewer,
    role_of,
    role_required,
)
from interview.models import Chat
from tests.factories import ChatFactory, InvitationFactory, UserFactory

User = get_user_model()
pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_candidate(db):
    """A superuser whose profile still says candidate: being a superuser makes them an admin."""
    return UserFactory(username="root", is_superuser=True)


@pytest.fixture
def role_admin(db):
    """An admin by profile role, without superuser rights."""
    return UserFactory(username="ops", role="admin")


@pytest.fixture
def chat(user):
    return ChatFactory(user=user)


@pytest.fixture
def invited_chat(chat, interviewer):
    InvitationFactory(interviewer=interviewer, candidate_email=chat.user.email, chat=chat)
    return Chat.objects.get(pk=chat.pk)


def _fresh(user):
    """The user as a request would load it: nothing cached."""
    return User.objects.get(pk=user.pk)


# --- role_of and the is_* helpers ---------------------------------------------------------------


def test_role_of_anonymous_is_none():
    assert role_of(AnonymousUser()) is None


def test_role_of_none_is_none():
    assert role_of(None) is None


def test_role_of_candidate(user):
    assert role_of(user) == "candidate"


def test_role_of_interviewer(interviewer):
    assert role_of(interviewer) == "interviewer"


def test_role_of_admin_role(role_admin):
    assert role_of(role_admin) == "admin"


def test_role_of_superuser_is_admin_whatever_the_profile(superuser_candidate):
    assert role_of(superuser_candidate) == "admin"


def test_role_of_superuser_needs_no_query(superuser_candidate, django_assert_num_queries):
    with django_assert_num_queries(0):
        role_of(superuser_candidate)


def test_role_of_user_without_profile_is_candidate(user):
    user.profile.delete()
    assert role_of(_fresh(user)) == "candidate"


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", False), ("user", False), ("interviewer", False), ("role_admin", True), ("admin_user", True)],
)
def test_is_admin(request, who, expected):
    subject = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    assert is_admin(subject) is expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", False), ("user", False), ("interviewer", True), ("role_admin", True), ("admin_user", True)],
)
def test_is_interviewer(request, who, expected):
    subject = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    assert is_interviewer(subject) is expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", False), ("user", True), ("interviewer", False), ("role_admin", False), ("admin_user", False)],
)
def test_is_candidate(request, who, expected):
    subject = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    assert is_candidate(subject) is expected


def test_has_role_admin_holds_every_role(role_admin):
    assert has_role(role_admin, "candidate")


def test_has_role_candidate_lacks_interviewer(user):
    assert not has_role(user, "interviewer")


# --- Chats --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("admin_user", True),
        ("role_admin", True),
        ("interviewer", True),
        ("other_interviewer", False),
        ("user", False),
        ("other_candidate", False),
        ("anonymous", False),
    ],
)
def test_can_observe_chat(request, invited_chat, who, expected):
    if who == "anonymous":
        subject = AnonymousUser()
    elif who.startswith("other_"):
        subject = UserFactory(username=who, role=who.removeprefix("other_"))
    else:
        subject = request.getfixturevalue(who)
    assert can_observe_chat(subject, invited_chat) is expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("admin_user", True),
        ("interviewer", True),
        ("other_interviewer", False),
        ("user", True),
        ("other_candidate", False),
        ("anonymous", False),
    ],
)
def test_can_view_chat(request, invited_chat, who, expected):
    if who == "anonymous":
        subject = AnonymousUser()
    elif who.startswith("other_"):
        subject = UserFactory(username=who, role=who.removeprefix("other_"))
    else:
        subject = request.getfixturevalue(who)
    assert can_view_chat(subject, invited_chat) is expected


def test_can_observe_chat_interviewer_refused_without_invitation(interviewer, chat):
    assert not can_observe_chat(interviewer, chat)


def test_can_observe_chat_demoted_interviewer_refused(invited_chat, interviewer):
    interviewer.profile.role = "candidate"
    interviewer.profile.save()
    assert not can_observe_chat(_fresh(interviewer), invited_chat)


def test_can_observe_chat_uses_preloaded_rows(invited_chat, interviewer, django_assert_num_queries):
    subject = User.objects.select_related("profile").get(pk=interviewer.pk)
    chat = Chat.objects.select_related("invitation").get(pk=invited_chat.pk)
    with django_assert_num_queries(0):
        can_observe_chat(subject, chat)


def test_can_observe_chat_loads_invitation_once(invited_chat, interviewer, django_assert_num_queries):
    subject = User.objects.select_related("profile").get(pk=interviewer.pk)
    chat = Chat.objects.get(pk=invited_chat.pk)
    with django_assert_num_queries(1):
        can_observe_chat(subject, chat)
        can_observe_chat(subject, chat)


def test_can_view_chat_owner_needs_no_query(chat, user, django_assert_num_queries):
    with django_assert_num_queries(0):
        can_view_chat(user, chat)


# --- role_required ------------------------------------------------------------------------------


@role_required("interviewer")
def interviewer_page(request):
    return HttpResponse("ok")


def _get(subject):
    request = RequestFactory().get("/interviewer-only/?tab=1")
    request.user = subject
    return interviewer_page(request)


def test_role_required_anonymous_redirects_to_login():
    response = _get(AnonymousUser())
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/interviewer-only/%3Ftab%3D1"


def test_role_required_wrong_role_is_403(user):
    assert _get(user).status_code == 403


def test_role_required_wrong_role_page_names_the_role(user):
    assert "interviewers" in _get(user).content.decode()


def test_role_required_right_role_runs_view(interviewer):
    assert _get(interviewer).content == b"ok"


def test_role_required_admin_runs_view(admin_user):
    assert _get(admin_user).content == b"ok"


def test_role_required_unknown_role_rejected():
    with pytest.raises(ValueError, match="roles from"):
        role_required("boss")


# --- DRF permission classes ---------------------------------------------------------------------


def _allowed(permission_class, subject):
    return permission_class().has_permission(SimpleNamespace(user=subject), None)


def test_is_interviewer_or_admin_admits_interviewer(interviewer):
    assert _allowed(IsInterviewerOrAdmin, interviewer)


def test_is_interviewer_or_admin_refuses_candidate(user):
    assert not _allowed(IsInterviewerOrAdmin, user)


def test_is_interviewer_or_admin_refuses_anonymous():
    assert not _allowed(IsInterviewerOrAdmin, AnonymousUser())


def test_is_admin_role_admits_superuser(superuser_candidate):
    assert _allowed(IsAdminRole, superuser_candidate)


def test_is_admin_role_refuses_interviewer(interviewer):
    assert not _allowed(IsAdminRole, interviewer)


def test_has_role_permission_admits_listed_role(user):
    assert _allowed(HasRole("candidate", "interviewer"), user)


def test_has_role_permission_message_names_roles():
    assert HasRole("interviewer").message == "This needs the interviewer role."
