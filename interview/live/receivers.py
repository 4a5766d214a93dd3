"""Live sockets' signal receivers: changes that may take access away from an open socket.

Each tells every server process, after the commit, to check the affected sockets again
(interview/live/groups.py `access_changed`, interview/live/guard.py); the guards' periodic pass catches
what no signal announces.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest

from interview.live.groups import access_changed
from interview.models import Chat, InvitedInterview, UserProfile


@receiver(user_logged_out, dispatch_uid="live.sockets_on_logout")
def sockets_on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Close the sockets opened with the session being logged out (4401)."""
    session = getattr(request, "session", None)
    key = session.session_key if session is not None else None
    access_changed(users=[user.pk] if user is not None else [], sessions=[key] if key else [])


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="live.sockets_on_user_saved")
def sockets_on_user_saved(
    sender: Any, instance: Any, created: bool, raw: bool = False, update_fields: Any = None, **kwargs: Any
) -> None:
    """A changed password or a deactivation closes the user's sockets (4401); a login's save changes nothing."""
    if created or raw or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    access_changed(users=[instance.pk])


@receiver(post_delete, sender=settings.AUTH_USER_MODEL, dispatch_uid="live.sockets_on_user_deleted")
def sockets_on_user_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    access_changed(users=[instance.pk])


@receiver(post_save, sender=UserProfile, dispatch_uid="live.sockets_on_role_saved")
def sockets_on_role_saved(sender: Any, instance: UserProfile, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """A lost role closes the user's observer sockets (4403)."""
    if not created and not raw:
        access_changed(users=[instance.user_id])


@receiver(post_save, sender=InvitedInterview, dispatch_uid="live.sockets_on_invitation_saved")
@receiver(post_delete, sender=InvitedInterview, dispatch_uid="live.sockets_on_invitation_deleted")
def sockets_on_invitation_changed(sender: Any, instance: InvitedInterview, raw: bool = False, **kwargs: Any) -> None:
    """A reassigned or deleted invitation closes the former interviewer's observer sockets (4403)."""
    if instance.chat_id is not None and not raw:
        access_changed(chats=[instance.chat_id])


@receiver(m2m_changed, sender=InvitedInterview.panel.through, dispatch_uid="live.sockets_on_panel_changed")
def sockets_on_panel_changed(
    sender: Any, instance: Any, action: str, reverse: bool = False, pk_set: Any = None, **kwargs: Any
) -> None:
    """A co-interviewer taken off an invitation's panel loses their observer sockets (4403)."""
    if action not in ("post_remove", "pre_clear"):
        return
    if reverse:  # a user's invitations were changed: pk_set holds invitations (None when cleared)
        access_changed(users=[instance.pk])
    elif instance.chat_id is not None:
        access_changed(chats=[instance.chat_id])


@receiver(post_delete, sender=Chat, dispatch_uid="live.sockets_on_chat_deleted")
def sockets_on_chat_deleted(sender: Any, instance: Chat, **kwargs: Any) -> None:
    """A deleted chat stops its reply and closes its sockets (4404)."""
    access_changed(chats=[instance.pk], stop=True)
