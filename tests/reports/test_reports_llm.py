"""Report grading through the real OpenAI client against the fake server: valid, invalid, lying and failing graders."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from interview.models import ExportableReport, TokenUsage
from tests.fakes.openai_server import FakeResponse
from tests.reports.helpers import ANSWERS, generate, make_chat, valid

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("llm")]
THIRD = "Resumable chunked uploads to S3 with presigned URLs, because large uploads fail midway and must resume."


def answer(payload: object = None, **kwargs: object) -> FakeResponse:
    payload = valid() if payload is None else payload
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return FakeResponse(text=text, prompt_tokens=900, completion_tokens=200, **kwargs)


def test_llm_valid_grading_stores_scores(user, llm):
    llm.enqueue(answer())
    report = generate(make_chat(user))
    assert (report.status, report.professionalism_score, report.subject_knowledge_score, report.clarity_score) == (
        "ready",
        72,
        70,
        64,
    )


def test_llm_overall_is_weighted_mean_not_model_number(user, llm):
    llm.enqueue(answer(valid(overall_score=3)))
    assert generate(make_chat(user)).overall_score == round(0.25 * 72 + 0.45 * 70 + 0.30 * 64)


def test_llm_report_is_not_offline(user, llm):
    llm.enqueue(answer())
    report = generate(make_chat(user))
    assert (report.is_offline, report.model_name) == (False, "fake-gpt-4o-mini")


def test_llm_report_stores_evidence(user, llm):
    llm.enqueue(answer())
    assert generate(make_chat(user)).question_responses[0]["evidence"] == "found N+1 queries on the dashboard"


def test_llm_grading_asks_for_json_schema(user, llm):
    llm.enqueue(answer())
    generate(make_chat(user))
    assert llm.requests[0]["response_format"]["json_schema"]["name"] == "report"


def test_llm_grading_records_token_usage(user, llm):
    llm.enqueue(answer())
    chat = make_chat(user)
    generate(chat)
    row = TokenUsage.objects.get()
    assert (row.user, row.chat, row.request_type, row.prompt_tokens, row.completion_tokens) == (
        user,
        chat,
        "report",
        900,
        200,
    )


def test_llm_invalid_json_then_valid_is_ready(user, llm):
    llm.enqueue(answer("Sure! {not json"), answer())
    assert generate(make_chat(user)).status == "ready"


def test_llm_retry_tells_grader_what_was_wrong(user, llm):
    llm.enqueue(answer("not json"), answer())
    generate(make_chat(user))
    assert "not valid: it is not JSON" in llm.requests[1]["messages"][-1]["content"]


def test_llm_retry_records_usage_for_both_calls(user, llm):
    llm.enqueue(answer("not json"), answer())
    generate(make_chat(user))
    assert TokenUsage.objects.filter(request_type="report").count() == 2


def test_llm_invalid_twice_fails_with_reason(user, llm):
    llm.enqueue(answer("not json"), answer("still not json"))
    report = generate(make_chat(user))
    assert report.status == "failed" and "not valid twice in a row (it is not JSON" in report.error


def test_llm_invalid_twice_makes_exactly_two_calls(user, llm):
    llm.enqueue(answer("x"), answer("y"), answer())
    generate(make_chat(user))
    assert len(llm.requests) == 2


def test_llm_failed_report_can_be_regenerated(user, llm):
    llm.enqueue(answer("x"), answer("y"), answer())
    chat = make_chat(user)
    generate(chat)
    assert generate(chat).status == "ready"


def test_llm_evidence_not_in_transcript_is_rejected(user, llm):
    lying = valid()
    lying["question_responses"][0]["evidence"] = "I have ten years of Kubernetes experience"
    llm.enqueue(answer(lying), answer(lying))
    report = generate(make_chat(user))
    assert report.status == "failed" and "not a verbatim quote" in report.error


def test_llm_evidence_rejected_then_corrected_is_ready(user, llm):
    lying = valid()
    lying["question_responses"][1]["evidence"] = "we always use GraphQL"
    llm.enqueue(answer(lying), answer())
    assert generate(make_chat(user)).question_responses[1]["evidence"] == "built a small prototype of both"


def test_llm_scores_out_of_range_are_clamped(user, llm):
    wild = valid(professionalism_score=140, clarity_score=-5)
    wild["question_responses"][0]["score"] = 12
    wild["question_responses"][1]["score"] = 10
    wild["question_responses"][2] = {"index": 2, "score": 10, "feedback": "Good.", "evidence": "presigned URLs"}
    llm.enqueue(answer(wild))
    report = generate(make_chat(user, answers=(*ANSWERS[:2], THIRD)))
    assert (report.professionalism_score, report.clarity_score, report.question_responses[0]["score"]) == (100, 0, 10)


def test_llm_expired_question_scores_zero_whatever_the_model_says(user, llm):
    generous = valid()
    generous["question_responses"][2] = {"index": 2, "score": 9, "feedback": "Excellent!", "evidence": ""}
    llm.enqueue(answer(generous))
    item = generate(make_chat(user)).question_responses[2]
    assert (item["score"], item["feedback"]) == (0, "no answer (time ran out)")


def test_llm_one_word_answer_is_capped(user, llm):
    generous = valid()
    generous["question_responses"][1] = {"index": 1, "score": 10, "feedback": "Perfect.", "evidence": "Prototypes"}
    llm.enqueue(answer(generous))
    chat = make_chat(user, answers=(ANSWERS[0], "Prototypes", None))
    assert generate(chat).question_responses[1]["score"] == 1


def test_llm_upstream_failure_fails_report(user, llm):
    llm.configure(status=503)
    report = generate(make_chat(user))
    assert report.status == "failed" and "AI service failed" in report.error


def test_llm_upstream_failure_keeps_no_scores(user, llm):
    llm.configure(status=503)
    report = generate(make_chat(user))
    assert (report.version, report.overall_score) == (0, None)


def test_llm_regeneration_replaces_scores_and_keeps_history(user, llm):
    llm.enqueue(answer(), answer(valid(clarity_score=40)))
    chat = make_chat(user)
    generate(chat)
    report = generate(chat)
    assert (report.clarity_score, report.versions.get().clarity_score) == (40, 64)


def test_llm_offline_chat_never_calls_model(user, llm):
    report = generate(make_chat(user, offline=True))
    assert (report.is_offline, len(llm.requests)) == (True, 0)


def test_llm_categories_are_capped_by_question_scores(user, llm):
    llm.enqueue(answer(valid(subject_knowledge_score=95)))
    assert generate(make_chat(user)).subject_knowledge_score == 75


def test_llm_failed_report_is_marked_in_database(user, llm):
    llm.configure(status=500)
    chat = make_chat(user)
    generate(chat)
    assert ExportableReport.objects.filter(chat=chat, status="failed").exists()


SECRET = "pydantic_core.ValidationError at /srv/llama/server.py line 42: Input should be 'text'"


def test_llm_grading_sends_the_grading_token_limit(user, llm, settings):
    settings.LLM_MAX_TOKENS_GRADING = 1234
    llm.enqueue(answer())
    generate(make_chat(user))
    assert llm.requests[0]["max_tokens"] == 1234


def test_llm_grading_falls_back_when_json_schema_is_refused_like_llama_cpp(user, llm):
    llm.refuse_formats("llama_cpp")
    llm.enqueue(answer())
    report = generate(make_chat(user))
    assert (report.status, report.clarity_score) == ("ready", 64)
    assert [body["response_format"]["type"] for body in llm.requests] == ["json_schema", "json_object"]


def test_llm_grading_remembers_the_working_format_for_the_next_report(user, llm):
    llm.refuse_formats("llama_cpp")
    llm.enqueue(answer(), answer())
    generate(make_chat(user))
    llm.received.clear()
    assert generate(make_chat(user)).status == "ready"
    assert [body["response_format"]["type"] for body in llm.requests] == ["json_object"]


def test_llm_grading_in_plain_text_when_both_formats_are_refused_with_422(user, llm):
    llm.refuse_formats("unprocessable")
    llm.enqueue(answer())
    assert generate(make_chat(user)).status == "ready"
    assert "response_format" not in llm.requests[-1]


def test_llm_upstream_failure_stores_a_plain_reason(user, llm):
    llm.configure(status=500, error_message=SECRET)
    report = generate(make_chat(user))
    assert report.error == "The AI service failed (it answered with a server error). Press Regenerate to try again."


def test_llm_upstream_details_never_reach_the_page_or_api(user, llm, client):
    llm.configure(status=500, error_message=SECRET)
    chat = make_chat(user)
    generate(chat)
    client.force_login(user)
    html = client.get(reverse("report_detail", args=[chat.pk])).content.decode()
    api = client.get(f"/api/chats/{chat.pk}/report/").content.decode()
    assert "it answered with a server error" in html and "it answered with a server error" in api
    assert "pydantic" not in html and "pydantic" not in api


def test_llm_upstream_details_are_logged(user, llm, caplog):
    llm.configure(status=500, error_message=SECRET)
    with caplog.at_level("WARNING", logger="interview.reports.services"):
        generate(make_chat(user))
    assert SECRET in caplog.text
