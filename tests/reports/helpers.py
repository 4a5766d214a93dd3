"""Builders shared by the report tests: an answered chat, its report run in-process, a valid grader answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from interview.interviews.transcript import iso
from interview.models import Chat, ExportableReport
from interview.reports import services as svc
from tests.factories import ChatFactory

QUESTIONS = (
    "Describe a project where you improved the performance of a Django application.",
    "How do you handle disagreements about technical decisions in a team?",
    "Explain how you would design an API for uploading large files.",
)
ANSWERS = (
    "At my last job I profiled our Django application and found N+1 queries on the dashboard. First I added "
    "select_related, then cached the heavy aggregates in Redis, because they changed once an hour. The page "
    "went from 3 seconds to 300 milliseconds.",
    "I listen first and write down the trade-offs. For example, we disagreed about GraphQL, so we built a small "
    "prototype of both and measured them, which settled it.",
    None,
)


@dataclass(frozen=True)
class FollowUp:
    """A follow-up for make_chat: its text, the answer (None: none given), and how it ended and who asked it."""

    question: str
    answer: str | None = None
    status: str = ""  # "" means "answered" with an answer, else "expired"
    source: str = "ai"
    asked_by: str | None = None

    @property
    def final_status(self) -> str:
        return self.status or ("answered" if self.answer is not None else "expired")


# Follow-ups of the first two key questions: every status and every source.
FOLLOW_UPS = {
    0: (
        FollowUp(
            "Which query was the slowest, and how did you find it?",
            "The order list on the dashboard: django-debug-toolbar showed 400 queries for one page.",
        ),
        FollowUp("What was the outcome for the users of the dashboard?", None, "expired", "offline"),
    ),
    1: (
        FollowUp("How did the team take the prototype's results?", None, "skipped", "observer", "Ada Lovelace"),
        FollowUp(
            "Can you walk me through a concrete example of such a trade-off?",
            "We chose REST over GraphQL because our clients were simple and caching mattered more.",
            source="offline",
        ),
    ),
}


def follow_up_entries(index: int, asked: datetime, follow_ups, messages: list[dict]) -> list[dict]:
    """The contract's `follow_ups` list of key question `index`, appending their messages to `messages`."""
    entries = []
    for number, follow_up in enumerate(follow_ups, start=1):
        at = asked + timedelta(seconds=60 * number)
        messages.append(
            {
                "id": f"f{index}-{number}",
                "role": "assistant",
                "content": follow_up.question,
                "status": "complete",
                "kind": "follow_up",
                "question_index": index,
                "follow_up": number,
                "source": follow_up.source,
                "created_at": iso(at),
            }
        )
        entry = {
            "number": number,
            "question": follow_up.question,
            "source": follow_up.source,
            "asked_by": follow_up.asked_by,
            "status": follow_up.final_status,
            "time_limit": 90,
            "asked_at": iso(at),
            "deadline": iso(at + timedelta(seconds=90)),
        }
        if follow_up.answer is not None:
            message_id = f"fu{index}-{number}"
            messages.append(
                {
                    "id": message_id,
                    "role": "user",
                    "content": follow_up.answer,
                    "status": "complete",
                    "question_index": index,
                    "follow_up": number,
                    "answer_seconds": 12.5,
                    "created_at": iso(at + timedelta(seconds=12.5)),
                }
            )
            entry.update(
                answered_at=iso(at + timedelta(seconds=12.5)), answer_message_id=message_id, answer_seconds=12.5
            )
        entries.append(entry)
    return entries


def build_transcript(answers=ANSWERS, questions=QUESTIONS, *, follow_ups=None, start=None):
    """(key_questions, messages) of an interview answered as given (None: the question expired).

    `follow_ups` maps a key question's index to its FollowUps, stored as the transcript contract says
    (chat.key_questions[i]["follow_ups"] and the messages that ask and answer them).
    """
    start = start or timezone.now() - timedelta(minutes=30)
    key_questions, messages = [], []
    for index, (question, answer) in enumerate(zip(questions, answers, strict=True)):
        asked = start + timedelta(minutes=index * 5)
        messages.append(
            {
                "id": f"a{index}",
                "role": "assistant",
                "content": f"**Question {index + 1}**\n\n{question}",
                "status": "complete",
                "question_index": index,
                "created_at": iso(asked),
            }
        )
        entry = {"question": question, "time_limit": 180, "asked_at": iso(asked)}
        if answer is None:
            entry.update(status="expired", expired_at=iso(asked + timedelta(minutes=3)))
        else:
            messages.append(
                {
                    "id": f"u{index}",
                    "role": "user",
                    "content": answer,
                    "status": "complete",
                    "question_index": index,
                    "answer_seconds": 40.0,
                    "created_at": iso(asked + timedelta(seconds=40)),
                }
            )
            entry.update(status="answered", answer_message_id=f"u{index}", answer_seconds=40.0)
        if follow_ups and index in follow_ups:
            entry["follow_ups"] = follow_up_entries(index, asked + timedelta(seconds=40), follow_ups[index], messages)
        key_questions.append(entry)
    return key_questions, messages


def make_chat(
    user,
    answers=ANSWERS,
    questions=QUESTIONS,
    *,
    offline=False,
    status=Chat.COMPLETED,
    minutes=18,
    follow_ups=None,
):
    """A chat with key questions, answered as given (None: the question expired), and the given follow-ups."""
    start = timezone.now() - timedelta(minutes=30)
    key_questions, messages = build_transcript(answers, questions, follow_ups=follow_ups, start=start)
    return ChatFactory(
        user=user,
        title="Backend practice",
        difficulty=6,
        key_questions=key_questions,
        messages=messages,
        status=status,
        started_at=start,
        completed_at=start + timedelta(minutes=minutes) if status == Chat.COMPLETED else None,
        interviewer_model="offline-interviewer" if offline else "gpt-4o-mini",
    )


def generate(chat) -> ExportableReport:
    """Request and run the chat's report in this process, as the worker would."""
    svc.report_request(chat=chat)
    svc.report_generate(chat_id=chat.pk)
    return ExportableReport.objects.get(chat=chat)


def valid(**changes: object) -> dict:
    """A grader answer that passes validation, with `changes` applied on top."""
    payload = {
        "professionalism_score": 72,
        "subject_knowledge_score": 70,
        "clarity_score": 64,
        "feedback_text": "Concrete examples; say more about trade-offs.",
        "question_responses": [
            {"index": 0, "score": 8, "feedback": "Measured impact.", "evidence": "found N+1 queries on the dashboard"},
            {"index": 1, "score": 7, "feedback": "Evidence-driven.", "evidence": "built a small prototype of both"},
            {"index": 2, "score": 0, "feedback": "No answer.", "evidence": ""},
        ],
    }
    return with_criteria(payload | changes)


def with_criteria(payload: dict) -> dict:
    """The grader answer with a `criteria` list for the default rubric mirroring its three category scores."""
    if "criteria" in payload:
        return payload
    quote = next((r["evidence"] for r in payload.get("question_responses", []) if r.get("evidence")), "")
    keys = ("professionalism", "subject_knowledge", "clarity")
    criteria = [
        {"key": k, "score": payload.get(f"{k}_score"), "feedback": "As the category.", "evidence": quote} for k in keys
    ]
    return payload | {"criteria": criteria}
