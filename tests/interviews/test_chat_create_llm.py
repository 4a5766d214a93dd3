"""chat_create with LLM-proposed key questions, against the fake OpenAI server over real HTTP."""

from __future__ import annotations

import json

import pytest

from interview.interviews.chats import chat_create
from interview.models import TokenUsage
from tests.factories import JobListingFactory, QuestionBankFactory, QuestionFactory, ResumeFactory, TemplateFactory
from tests.fakes.openai_server import FakeResponse

pytestmark = pytest.mark.django_db


def proposal(n: int = 4, time_limit: object = 240) -> str:
    items = [{"question": f"LLM question {i}?", "time_limit": time_limit, "difficulty": "medium"} for i in range(n)]
    return json.dumps({"questions": items})


@pytest.fixture
def bank(interviewer):
    bank = QuestionBankFactory(owner=interviewer, is_shared=True)
    for n in range(6):
        QuestionFactory(question_bank=bank, text=f"Bank question {n}?")
    return bank


def create(user, **kwargs):
    return chat_create(user=user, **({"title": "Practice", "type": "SKL", "difficulty": 6} | kwargs))


def questions(chat):
    return [q["question"] for q in chat.key_questions]


def test_chat_create_llm_valid_json_gives_its_questions(user, llm):
    llm.enqueue(FakeResponse(text=proposal(4)))
    chat = create(user)
    assert questions(chat) == [f"LLM question {i}?" for i in range(4)]


def test_chat_create_llm_keeps_its_time_limits(user, llm):
    llm.enqueue(FakeResponse(text=proposal(3, time_limit=600)))
    assert {q["time_limit"] for q in create(user).key_questions} == {600}


def test_chat_create_llm_asks_for_json_schema(user, llm):
    llm.enqueue(FakeResponse(text=proposal()))
    create(user)
    response_format = llm.requests[0]["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["schema"]["properties"]["questions"]["maxItems"] == 15


def test_chat_create_llm_prompt_includes_documents(user, llm):
    llm.enqueue(FakeResponse(text=proposal()))
    resume = ResumeFactory(user=user, text_content="Ada, COBOL veteran")
    job = JobListingFactory(user=user, content="Mainframe engineer wanted")
    create(user, resume_id=resume.pk, job_listing_id=job.pk)
    prompt = json.dumps(llm.requests[0]["messages"])
    assert "Ada, COBOL veteran" in prompt and "Mainframe engineer wanted" in prompt


def test_chat_create_llm_records_token_usage(user, llm, settings):
    llm.enqueue(FakeResponse(text=proposal(), prompt_tokens=120, completion_tokens=80))
    chat = create(user)
    row = TokenUsage.objects.get()
    assert (row.user, row.chat, row.request_type, row.branch_name) == (
        user,
        chat,
        "key_questions",
        settings.TOKEN_BRANCH_NAME,
    )
    assert (row.model_name, row.prompt_tokens, row.completion_tokens, row.estimated) == (
        "fake-gpt-4o-mini",
        120,
        80,
        False,
    )


def test_chat_create_llm_without_reported_usage_is_estimated(user, llm):
    llm.enqueue(FakeResponse(text=proposal(), usage=False))
    create(user)
    assert TokenUsage.objects.get().estimated


def test_chat_create_llm_retries_once_after_invalid_json(user, llm):
    llm.enqueue(FakeResponse(text="Sure! Here are some questions: 1. Why?"), FakeResponse(text=proposal(5)))
    chat = create(user)
    assert len(llm.requests) == 2 and questions(chat) == [f"LLM question {i}?" for i in range(5)]


def test_chat_create_llm_retry_says_what_was_wrong(user, llm):
    llm.enqueue(FakeResponse(text="not json"), FakeResponse(text=proposal()))
    create(user)
    assert "The reply is not JSON." in llm.requests[1]["messages"][-1]["content"]


def test_chat_create_llm_records_usage_of_both_attempts(user, llm):
    llm.enqueue(FakeResponse(text="not json"), FakeResponse(text=proposal()))
    create(user)
    assert TokenUsage.objects.filter(request_type="key_questions").count() == 2


def test_chat_create_llm_invalid_twice_falls_back_to_banks(user, llm, bank):
    llm.enqueue(FakeResponse(text="{}"), FakeResponse(text="still not it"))
    chat = create(user)
    assert len(llm.requests) == 2 and all(q.startswith("Bank question") for q in questions(chat))


def test_chat_create_llm_schema_violation_falls_back_to_banks(user, llm, bank):
    bad = FakeResponse(text=proposal(3, time_limit=5))
    llm.enqueue(bad, bad)
    assert all(q.startswith("Bank question") for q in questions(create(user)))


def test_chat_create_llm_too_many_questions_falls_back_to_banks(user, llm, bank):
    bad = FakeResponse(text=proposal(16))
    llm.enqueue(bad, bad)
    assert all(q.startswith("Bank question") for q in questions(create(user)))


def test_chat_create_llm_server_error_falls_back_to_banks(user, llm, bank):
    llm.configure(status=500)
    chat = create(user)
    assert all(q.startswith("Bank question") for q in questions(chat))
    assert not TokenUsage.objects.exists()


def test_chat_create_llm_not_asked_when_template_given(user, llm, interviewer, bank):
    template = TemplateFactory(
        user=interviewer, is_public=True, question_count=3, easy_percentage=0, medium_percentage=100, hard_percentage=0
    )
    template.question_banks.add(bank)
    create(user, template_id=template.pk)
    assert llm.requests == []
