"""Reads for interview setup: banks, questions, tags, templates, a user's documents and their chat list."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import NoReverseMatch, reverse

from interview.accounts.permissions import can_observe_chat, is_admin
from interview.documents.selectors import job_listing_list_for_user, resume_list_for_user
from interview.models import Chat, InterviewTemplate, Question, QuestionBank, Tag, UploadedJobListing, UploadedResume
from interview.setup.assembly import PoolQuestion

TagMatch = Literal["any", "all"]

# --- Documents (the access rule lives in interview.documents.selectors) ------------------------------


def resumes_for(user: Any) -> QuerySet[UploadedResume]:
    """The resumes `user` may attach to an interview: their own."""
    return resume_list_for_user(user)


def job_listings_for(user: Any) -> QuerySet[UploadedJobListing]:
    """The job listings `user` may attach to an interview: their own."""
    return job_listing_list_for_user(user)


# --- Question banks and questions ------------------------------------------------------------------


def bank_list_for_user(user: Any) -> QuerySet[QuestionBank]:
    """Banks the user may read, with their question counts and owners."""
    return (
        QuestionBank.objects.visible_to(user)
        .select_related("owner")
        .annotate(question_total=Count("questions", distinct=True))
        .order_by("name", "id")
    )


def bank_is_editable(user: Any, bank: QuestionBank) -> bool:
    """Whether the user may change the bank (its owner, or an admin)."""
    return bank.owner_id == user.pk or is_admin(user)


def tags_named(names: Iterable[str]) -> list[Tag]:
    """The existing tags with these names (any case); unknown names are left out."""
    query = Q()
    for name in names:
        query |= Q(name__iexact=name)
    return list(Tag.objects.filter(query)) if query else []


def question_list(
    *,
    banks: QuerySet[QuestionBank],
    tags: Sequence[str] = (),
    match: TagMatch = "all",
    search: str = "",
    difficulty: str = "",
) -> QuerySet[Question]:
    """Questions of `banks` filtered by tags (all of them, or any), text and difficulty."""
    questions = Question.objects.filter(question_bank__in=banks)
    if tags:
        found = tags_named(tags)
        if match == "all":
            if len(found) < len({t.casefold() for t in tags}):
                return questions.none()  # a tag nobody has: no question can carry all of them
            for tag in found:
                questions = questions.filter(tags=tag)  # one join per tag: every tag must be present
        else:
            questions = questions.filter(tags__in=found).distinct()
    if search.strip():
        questions = questions.filter(text__icontains=search.strip())
    if difficulty:
        questions = questions.filter(difficulty=difficulty)
    return questions.select_related("question_bank").prefetch_related("tags").order_by("question_bank__name", "id")


def tag_list_with_counts() -> QuerySet[Tag]:
    """Every tag with how many questions and templates carry it."""
    return Tag.objects.annotate(
        question_total=Count("questions", distinct=True), template_total=Count("templates", distinct=True)
    ).order_by("name")


# --- Templates ------------------------------------------------------------------------------------


def template_list_for_user(user: Any) -> QuerySet[InterviewTemplate]:
    """Templates the user may use, with owners, tags and banks loaded."""
    return (
        InterviewTemplate.objects.visible_to(user)
        .select_related("user")
        .prefetch_related("tags", "question_banks")
        .order_by("difficulty", "name", "id")
    )


def template_is_editable(user: Any, template: InterviewTemplate) -> bool:
    """Whether the user may change the template (its owner, or an admin)."""
    return template.user_id == user.pk or is_admin(user)


def template_pool(template: InterviewTemplate) -> list[PoolQuestion]:
    """Every question in the template's banks, as plain data for assembly."""
    return pool_from(Question.objects.filter(question_bank__in=template.question_banks.all()))


def pool_from(questions: QuerySet[Question]) -> list[PoolQuestion]:
    """Plain-data copies of the questions, with their tag names and guidance."""
    rows = questions.prefetch_related(Prefetch("tags", queryset=Tag.objects.only("name"))).only(
        "id", "text", "difficulty", "guidance"
    )
    return [PoolQuestion(q.pk, q.text, q.difficulty, frozenset(t.name for t in q.tags.all()), q.guidance) for q in rows]


# --- The candidate's interview list ---------------------------------------------------------------


@dataclass(frozen=True)
class ChatRow:
    """One line of the interview list: the chat and the links its viewer may follow."""

    chat: Chat
    continue_url: str | None
    observe_url: str | None
    report_url: str | None


def url_or_none(name: str, **kwargs: Any) -> str | None:
    """The URL for `name`, or None while that page does not exist yet."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def chat_list_for_user(user: Any) -> list[ChatRow]:
    """The user's own interviews, newest first, with continue, observe and report links."""
    chats = Chat.objects.filter(user=user).select_related("invitation").defer("messages")
    rows = []
    for chat in chats:
        completed = chat.status == Chat.COMPLETED
        rows.append(
            ChatRow(
                chat=chat,
                continue_url=url_or_none("interview_live", chat_id=chat.pk),
                observe_url=url_or_none("interview_observe", chat_id=chat.pk) if can_observe_chat(user, chat) else None,
                report_url=url_or_none("report_detail", chat_id=chat.pk) if completed else None,
            )
        )
    return rows
