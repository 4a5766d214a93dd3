"""Opt-in (`make test-llm`): the interview flow, a report and a job listing against llama.cpp serving SmolLM2.

llama-cpp-python's server refuses `response_format: json_schema` (a 500) and takes json_object with a schema,
so the report and the listing also prove the provider's structured-output fallback on a server we did not write.
"""

import pytest
from channels.db import database_sync_to_async

from interview.documents import job_parsing
from interview.models import Chat, TokenUsage
from tests.factories import ChatFactory, JobListingFactory
from tests.llm.conftest import needs_llama
from tests.reports.helpers import ANSWERS, QUESTIONS, generate, make_chat
from tests.sockets.helpers import delta_text, frames_until, of_type

pytestmark = [
    pytest.mark.llm,
    pytest.mark.django_db(transaction=True),
    needs_llama,
]


async def test_llama_cpp_streams_an_interview_turn(connect, llama):
    chat = await database_sync_to_async(ChatFactory)(
        key_questions=[
            {"question": "What is a Python list?", "time_limit": 300},
            {"question": "Why test code?", "time_limit": 300},
        ]
    )
    ws, _ = await connect(f"/ws/interview/{chat.pk}/", chat.user)
    await ws.send_json_to({"type": "interview.start"})
    opening = await frames_until(ws, of_type("question.started"), timeout=120)
    await ws.send_json_to({"type": "answer.submit", "id": "a1", "content": "A mutable sequence of items."})
    reply = await frames_until(ws, of_type("question.started"), timeout=120)
    await ws.disconnect()
    stored = await database_sync_to_async(Chat.objects.get)(pk=chat.pk)
    first, _answer, second = stored.messages
    assert delta_text(opening, first["id"]) == first["content"] and first["content"].endswith("What is a Python list?")
    assert len(first["content"]) > len("What is a Python list?") + 10  # the model said something first
    assert delta_text(reply, second["id"]) == second["content"] and second["status"] == "complete"
    usage = await database_sync_to_async(list)(
        TokenUsage.objects.filter(chat=chat).values_list("estimated", "completion_tokens")
    )
    assert len(usage) == 2 and all(estimated and tokens > 0 for estimated, tokens in usage)


# Words that only an upstream's own error text would put in a stored reason.
INTERNALS = ("HTTP", "Error code", "pydantic", "literal_error", "response_format", "json_schema", "Traceback")


def test_llama_cpp_grades_a_report(llama, user):
    chat = make_chat(user, answers=ANSWERS[:2], questions=QUESTIONS[:2])
    report = generate(chat)
    # A graded report, or one honestly failed after validating the model's answers: never a transport failure.
    assert report.status == "ready" or "not valid twice in a row" in report.error, report.error
    assert not any(word in report.error for word in INTERNALS), report.error
    assert TokenUsage.objects.filter(chat=chat, request_type="report").exists()


def test_llama_cpp_parses_a_job_listing(llama, user):
    listing = JobListingFactory(
        user=user,
        title="Backend developer",
        content="Senior Python developer. 5+ years with Django and PostgreSQL. A degree in computer science.",
    )
    job_parsing.job_listing_parse(listing_id=listing.pk)
    listing.refresh_from_db()
    assert listing.parsing_status == "success", listing.parsing_error
    assert listing.seniority_level and listing.requirements["parsed_by"]
