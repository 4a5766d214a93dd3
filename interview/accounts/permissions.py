"""Who may do what: the one set of role checks shared by views, the REST API and WebSocket consumers.

Every function here is synchronous and may touch the database (a user's profile, a chat's
invitation), so async code calls them through ``database_sync_to_async``. Each does at most one
query per relation and reuses whatever ``select_related`` has already loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from interview.models import Chat, UserProfile

ADMIN = UserProfile.ADMIN
INTERVIEWER = UserProfile.INTERVIEWER
CANDIDATE = UserProfile.CANDIDATE
ROLES = (ADMIN, INTERVIEWER, CANDIDATE)

UserLike = AbstractBaseUser | AnonymousUser
ViewFunc = TypeVar("ViewFunc", bound=Callable[..., HttpResponse])


def role_of(user: UserLike | None) -> str | None:
    """Return the user's role: None when anonymous, "admin" for any superuser, else the profile's role."""
    if user is None or not user.is_authenticated:
        return None
    if getattr(user, "is_superuser", False):
        return ADMIN
    # A user saved before profiles existed has none yet: the default role is candidate.
    profile = getattr(user, "profile", None)
    return profile.role if profile is not None else CANDIDATE


def has_role(user: UserLike | None, *roles: str) -> bool:
    """Return whether the user holds one of the roles; admins hold every role."""
    role = role_of(user)
    return role is not None and (role == ADMIN or role in roles)


def is_admin(user: UserLike | None) -> bool:
    """Return whether the user is an admin (by role or as a superuser)."""
    return role_of(user) == ADMIN


def is_interviewer(user: UserLike | None) -> bool:
    """Return whether the user may act as an interviewer (interviewers and admins)."""
    return has_role(user, INTERVIEWER)


def is_candidate(user: UserLike | None) -> bool:
    """Return whether the user's role is exactly candidate."""
    return role_of(user) == CANDIDATE


def can_observe_chat(user: UserLike | None, chat: Chat) -> bool:
    """Return whether the user may watch a chat live: admins any, interviewers those of their own invitations
    and those whose panel they sit on."""
    role = role_of(user)
    if role == ADMIN:
        return True
    if role != INTERVIEWER:
        return False
    # Cached by the descriptor (also when missing), so repeated checks cost one query at most.
    invitation = getattr(chat, "invitation", None)
    if invitation is None:
        return False
    return invitation.interviewer_id == user.pk or on_panel(invitation, user.pk)  # type: ignore[union-attr]


def on_panel(invitation: Any, user_id: Any) -> bool:
    """Whether the user is one of the invitation's co-interviewers (its panel; the creator is not a member)."""
    cache = getattr(invitation, "_prefetched_objects_cache", {})
    if "panel" in cache:  # prefetched (the socket guard's batched pass): no query
        return any(member.pk == user_id for member in cache["panel"])
    return bool(invitation.panel.filter(pk=user_id).exists())


def can_view_chat(user: UserLike | None, chat: Chat) -> bool:
    """Return whether the user may read a chat: its owner, or anyone who may observe it."""
    if user is None or not user.is_authenticated:
        return False
    return chat.user_id == user.pk or can_observe_chat(user, chat)


def can_regenerate_report(user: UserLike | None, chat: Chat) -> bool:
    """Return whether the user may (re)generate a chat's report.

    An invited interview's report is the inviting interviewer's evidence: only they and admins may re-roll
    it. A practice interview's report is its owner's (and admins').
    """
    if user is None or not user.is_authenticated:
        return False
    invitation = getattr(chat, "invitation", None)
    if invitation is not None:  # the panel observes and scores, but does not re-roll the AI's grade
        return is_admin(user) or (is_interviewer(user) and invitation.interviewer_id == user.pk)
    return chat.user_id == user.pk or is_admin(user)


def role_required(*roles: str) -> Callable[[ViewFunc], ViewFunc]:
    """Decorate a view so that anonymous users go to the login page and users without a role get a 403 page."""
    unknown = set(roles) - set(ROLES)
    if not roles or unknown:
        raise ValueError(f"role_required needs roles from {ROLES}, got {roles!r}")

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                return render(request, "registration/role_denied.html", {"required_roles": roles}, status=403)
            return view(request, *args, **kwargs)

        return cast(ViewFunc, wrapper)

    return decorator


def HasRole(*roles: str) -> type[BasePermission]:
    """Build a DRF permission class that admits authenticated users holding one of the roles."""
    # CapWords on purpose: it is used where a class is, e.g. permission_classes = [HasRole("interviewer")].
    unknown = set(roles) - set(ROLES)
    if not roles or unknown:
        raise ValueError(f"HasRole needs roles from {ROLES}, got {roles!r}")

    class _HasRole(BasePermission):
        message = f"This needs the {' or '.join(roles)} role."

        def has_permission(self, request: Request, view: APIView) -> bool:
            return has_role(request.user, *roles)

    _HasRole.__name__ = _HasRole.__qualname__ = f"HasRole_{'_'.join(roles)}"
    return _HasRole


IsInterviewerOrAdmin = HasRole(INTERVIEWER)
IsAdminRole = HasRole(ADMIN)
