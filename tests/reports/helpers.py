"""Builders shared by the report tests: an answered chat, its report run in-process, a valid grader answer."""

from __future__ import annotations

from datetime import timedelta

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


def make_chat(user, answers=ANSWERS, questions=QUESTIONS, *, offline=False, status=Chat.COMPLETED, minutes=18):
    """A chat with key questions, answered as given (None: the question expired)."""
    start = timezone.now() - timedelta(minutes=30)
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
        key_questions.append(entry)
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
    return payload | changes
