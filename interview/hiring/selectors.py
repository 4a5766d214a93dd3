"""Reads for hiring: invitations by interviewer and candidate, candidate search and profiles."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet

from interview.accounts.permissions import can_view_chat, is_admin, on_panel
from interview.core.errors import ErrorCode
from interview.models import (
    AccommodationRequest,
    Chat,
    ExportableReport,
    InvitedInterview,
    ObserverNote,
    Scorecard,
    UploadedJobListing,
    UploadedResume,
    UserProfile,
)
from interview.reports.grading import collect_answers, follow_up_entries
from interview.reports.selectors import follow_up_asker, follow_up_status_label

STATUSES = [code for code, _ in InvitedInterview.STATUS_CHOICES]
SEARCH_LIMIT = 50

# --- Invitations -------------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    """Return the SHA-256 (hex) of a join token: the only form in which tokens are stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def join_verdict(user: Any, invitation: InvitedInterview) -> ErrorCode | None:
    """Return None when the user may use the invitation, else why not: login, taken, wrong_email or unverified."""
    if user is None or not user.is_authenticated:
        return ErrorCode.LOGIN
    if invitation.candidate_id is not None and invitation.candidate_id != user.pk:
        return ErrorCode.TAKEN
    if (user.email or "").lower() != invitation.candidate_email.lower():
        return ErrorCode.WRONG_EMAIL
    profile = getattr(user, "profile", None)
    if profile is None or not profile.email_verified:
        return ErrorCode.UNVERIFIED
    return None


VERDICT_MESSAGES = {
    ErrorCode.LOGIN: "Log in to open this invitation.",
    ErrorCode.TAKEN: "This invitation has already been used by another account.",
    ErrorCode.WRONG_EMAIL: "This invitation was sent to a different email address than your account's.",
    ErrorCode.UNVERIFIED: "Verify your email address before you open this invitation.",
}


def invitation_list_for_interviewer(user: Any, *, status: str = "") -> QuerySet[InvitedInterview]:
    """Invitations the user sent or sits on the panel of (admins: everyone's), optionally of one status, latest
    scheduled first."""
    rows = InvitedInterview.objects.select_related("template", "candidate", "interviewer", "chat")
    if not is_admin(user):
        rows = rows.filter(pk__in=_own_or_panel(user))
    if status in STATUSES:
        rows = rows.filter(status=status)
    return rows.order_by("-scheduled_time", "-id")


def invitation_counts_for_interviewer(user: Any) -> dict[str, int]:
    """How many of the user's invitations (sent or on their panel; admins: everyone's) are in each status."""
    rows = InvitedInterview.objects.all()
    if not is_admin(user):
        rows = rows.filter(pk__in=_own_or_panel(user))
    counts = {code: 0 for code in STATUSES}
    for row in rows.values("status").annotate(total=Count("id")):
        counts[row["status"]] = row["total"]
    return counts


def _own_or_panel(user: Any) -> QuerySet[InvitedInterview, Any]:
    return InvitedInterview.objects.filter(Q(interviewer=user) | Q(panel=user)).values("pk")


def invitation_get_for_reviewer(user: Any, invitation_id: int) -> InvitedInterview | None:
    """The invitation if the user sent it or is an admin, with its chat, template and people loaded."""
    invitation = (
        InvitedInterview.objects.select_related("template", "candidate", "interviewer", "chat")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or not (invitation.interviewer_id == user.pk or is_admin(user)):
        return None
    return invitation


def manages_invitation(user: Any, invitation: InvitedInterview) -> bool:
    """Whether the user may change the invitation (feedback, panel, decision): its creator or an admin."""
    return invitation.interviewer_id == user.pk or is_admin(user)


def invitation_get_for_panel(user: Any, invitation_id: int) -> InvitedInterview | None:
    """The invitation if the user sent it, sits on its panel, or is an admin (what its review page needs loaded)."""
    invitation = (
        InvitedInterview.objects.select_related("template", "candidate", "interviewer", "chat")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None:
        return None
    if manages_invitation(user, invitation) or on_panel(invitation, user.pk):
        return invitation
    return None


def submitted_scorecard_count(invitation: InvitedInterview) -> int:
    """How many scorecards of the invitation's interview are submitted."""
    if invitation.chat_id is None:
        return 0
    return Scorecard.objects.filter(chat_id=invitation.chat_id, status=Scorecard.SUBMITTED).count()


def accommodation_for(invitation: InvitedInterview) -> AccommodationRequest | None:
    """The candidate's request for extra time on the invitation, if they made one."""
    return AccommodationRequest.objects.filter(invitation=invitation).first()


def invitation_by_token(token: str) -> InvitedInterview | None:
    """The invitation whose join link carries `token`, or None for a wrong, tampered or replaced token."""
    if not token or len(token) > 200:
        return None
    return (
        InvitedInterview.objects.select_related("template", "interviewer", "chat")
        .filter(token_hash=token_hash(token))
        .first()
    )


def invitation_list_for_candidate(user: Any) -> list[InvitedInterview]:
    """The user's invited interviews: those they started, and pending ones sent to their verified address."""
    query = Q(candidate=user)
    profile = getattr(user, "profile", None)
    if profile is not None and profile.email_verified:
        query |= Q(candidate__isnull=True, status=InvitedInterview.PENDING, candidate_email__iexact=user.email)
    rows = InvitedInterview.objects.filter(query).select_related("interviewer", "template", "chat")
    return list(rows.order_by("-scheduled_time", "-id"))


def invitation_get_for_candidate(user: Any, invitation_id: int) -> InvitedInterview | None:
    """The invitation if the user is the candidate who started it."""
    if not user.is_authenticated:
        return None
    return (
        InvitedInterview.objects.select_related("interviewer", "template", "chat")
        .filter(pk=invitation_id, candidate=user)
        .first()
    )


@dataclass(frozen=True)
class ReviewFollowUp:
    """One follow-up as the review page lists it: its number ("2.1"), text, who asked it and how it ended."""

    label: str
    question: str
    asker: str
    status: str
    answer: str


@dataclass(frozen=True)
class ReviewData:
    """What the review page shows besides the invitation: transcript, report, observer notes and follow-ups."""

    messages: list[dict[str, Any]]
    report: ExportableReport | None
    notes: list[ObserverNote]
    follow_ups: list[ReviewFollowUp] = field(default_factory=list)


def invitation_review_data(invitation: InvitedInterview) -> ReviewData:
    """The invitation's transcript (finished messages only, follow-ups labelled), its report, notes and follow-ups."""
    chat = invitation.chat
    if chat is None:
        return ReviewData(messages=[], report=None, notes=[])
    messages = [
        _review_message(m, chat.key_questions)
        for m in chat.messages
        if m.get("role") in ("user", "assistant") and m.get("content")
    ]
    report = ExportableReport.objects.filter(chat=chat).first()
    notes = list(ObserverNote.objects.filter(chat=chat).select_related("author"))
    return ReviewData(messages=messages, report=report, notes=notes, follow_ups=review_follow_ups(chat))


def review_follow_ups(chat: Chat) -> list[ReviewFollowUp]:
    """Every follow-up of the chat's key questions, in order, with who asked it and its answer ("" when none)."""
    rows = []
    for qa in collect_answers(chat.key_questions, chat.messages):
        for f in qa.follow_ups:
            entry = {"source": f.source, "asked_by": f.asked_by, "status": f.status, "answer": f.answer}
            rows.append(
                ReviewFollowUp(
                    label=f"{qa.index + 1}.{f.number}",
                    question=f.question,
                    asker=follow_up_asker(entry),
                    status=follow_up_status_label(entry),
                    answer=f.answer,
                )
            )
    return rows


def _review_message(message: dict[str, Any], key_questions: list[dict[str, Any]]) -> dict[str, Any]:
    """A transcript message for the review page; a follow-up and its answer gain `follow_up_label` and `asker`."""
    number = message.get("follow_up")
    index = message.get("question_index")
    if not number or not isinstance(index, int) or not 0 <= index < len(key_questions):
        return message
    entry = next((e for e in follow_up_entries(key_questions[index]) if e.get("number") == number), {})
    labelled = {**message, "follow_up_label": f"{index + 1}.{number}"}
    if message.get("role") == "assistant":
        labelled["asker"] = follow_up_asker({"source": message.get("source"), **entry})
    return labelled


# --- Candidates -------------------------------------------------------------------------------------


def candidates() -> QuerySet[Any]:
    """Every active user whose role is candidate (superusers are admins, never candidates)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_superuser=False, profile__role=UserProfile.CANDIDATE)
        .select_related("profile")
    )


def candidate_search(query: str, *, limit: int = SEARCH_LIMIT) -> list[Any]:
    """Candidates matching every word of `query` in their username, first or last name, or email."""
    words = (query or "").split()[:5]
    if not words:
        return []
    rows = candidates()
    for word in words:
        rows = rows.filter(
            Q(username__icontains=word)
            | Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
        )
    return list(rows.order_by("username")[:limit])


@dataclass(frozen=True)
class CandidateProfile:
    """A candidate as an interviewer or admin may see them."""

    user: Any
    chats: list[Chat]
    invitations: list[InvitedInterview]
    resumes: list[UploadedResume]
    job_listings: list[UploadedJobListing]


def candidate_profile_for(viewer: Any, user_id: int) -> CandidateProfile | None:
    """The candidate's profile as `viewer` may see it: admins everything, interviewers what their invitations show."""
    user = candidates().filter(pk=user_id).first()
    if user is None:
        return None
    chats = [
        chat
        for chat in Chat.objects.filter(user=user).select_related("invitation").defer("messages")
        if can_view_chat(viewer, chat)
    ]
    invitations = InvitedInterview.objects.filter(Q(candidate=user) | Q(candidate_email__iexact=user.email))
    if not is_admin(viewer):
        invitations = invitations.filter(interviewer=viewer)
    resumes = UploadedResume.objects.filter(user=user)
    job_listings = UploadedJobListing.objects.filter(user=user)
    if not is_admin(viewer):
        # Interviewers see the documents behind the interviews they may see, nothing else.
        chat_ids = [chat.pk for chat in chats]
        resumes = resumes.filter(chats__in=chat_ids).distinct()
        job_listings = job_listings.filter(chats__in=chat_ids).distinct()
    return CandidateProfile(
        user=user,
        chats=chats,
        invitations=list(invitations.select_related("interviewer", "template").order_by("-scheduled_time")),
        resumes=list(resumes.defer("text_content").order_by("-id")),
        job_listings=list(job_listings.defer("content").order_by("-id")),
    )
