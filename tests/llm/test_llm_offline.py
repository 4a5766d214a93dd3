"""The offline practice interviewer: scripted, deterministic lines streamed at reading pace."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from interview.llm import get_provider
from interview.llm.base import LLMError, Turn
from interview.llm.offline import OfflineInterviewer, compose_offline_text
from interview.llm.tokens import count_tokens

QUESTION = "Tell me about a time you disagreed with a teammate."
LONG_ANSWER = " ".join(["I led the migration of our billing service and measured the error rate weekly."] * 3)


@pytest.fixture
def interviewer() -> OfflineInterviewer:
    return OfflineInterviewer(pace=0)


async def say(interviewer: OfflineInterviewer, turn: Turn) -> str:
    return "".join([delta async for delta in interviewer.stream_chat([], turn=turn)])


async def test_offline_opening_says_offline_and_no_ai(interviewer):
    text = await say(interviewer, Turn(kind="opening", question_total=5))
    assert "offline practice interviewer" in text and "no AI" in text


async def test_offline_opening_states_question_count(interviewer):
    assert "5 timed questions" in await say(interviewer, Turn(kind="opening", question_total=5))


async def test_offline_opening_greets_candidate_by_name(interviewer):
    assert (await say(interviewer, Turn(kind="opening", candidate_name="Ada"))).startswith("Hello Ada.")


@pytest.mark.parametrize("kind", ["opening", "reply", "next_question", "closing"])
async def test_offline_streams_every_turn_kind(interviewer, kind):
    turn = Turn(kind=kind, answer=LONG_ANSWER, next_question=QUESTION)
    assert await say(interviewer, turn) == compose_offline_text(turn) != ""


async def test_offline_streams_word_by_word(interviewer):
    turn = Turn(kind="closing")
    deltas = [delta async for delta in interviewer.stream_chat([], turn=turn)]
    assert len(deltas) == len(compose_offline_text(turn).split())


async def test_offline_next_question_excludes_question_text(interviewer):
    turn = Turn(kind="next_question", answer=LONG_ANSWER, next_question=QUESTION, question_number=2, question_total=5)
    text = await say(interviewer, turn)
    assert QUESTION not in text and "disagreed" not in text


async def test_offline_next_question_announces_number(interviewer):
    turn = Turn(kind="next_question", answer=LONG_ANSWER, question_number=2, question_total=5)
    assert "question 2 of 5" in await say(interviewer, turn)


async def test_offline_next_question_says_time_ran_out(interviewer):
    text = await say(interviewer, Turn(kind="next_question", previous_expired=True))
    assert "ran out" in text or "time is up" in text


async def test_offline_short_answer_gets_length_note(interviewer):
    text = await say(interviewer, Turn(kind="next_question", answer="Yes, I did."))
    assert "short" in text or "brief" in text


async def test_offline_long_answer_gets_length_note(interviewer):
    text = await say(interviewer, Turn(kind="next_question", answer="word " * 400))
    assert "long" in text


async def test_offline_reply_says_it_cannot_discuss(interviewer):
    text = await say(interviewer, Turn(kind="reply", answer=LONG_ANSWER))
    assert "offline practice interviewer" in text and "saved" in text


async def test_offline_closing_mentions_report(interviewer):
    assert "report" in await say(interviewer, Turn(kind="closing", answer=LONG_ANSWER))


async def test_offline_never_judges_answers(interviewer):
    texts = [await say(interviewer, Turn(kind="next_question", answer=LONG_ANSWER * n)) for n in range(1, 8)]
    judgements = ("great", "excellent", "good answer", "well done", "impressive", "weak", "poor", "score")
    assert not any(word in text.lower() for text in texts for word in judgements)


def test_compose_offline_text_is_deterministic():
    turn = Turn(kind="next_question", answer=LONG_ANSWER, question_number=3)
    assert compose_offline_text(turn) == compose_offline_text(Turn(**vars(turn)))


def test_compose_offline_text_varies_between_turns():
    texts = {compose_offline_text(Turn(kind="next_question", answer=f"{LONG_ANSWER} {n}")) for n in range(12)}
    assert len(texts) > 1


async def test_offline_without_turn_replies(interviewer):
    text = "".join([delta async for delta in interviewer.stream_chat([])])
    assert text == compose_offline_text(Turn(kind="reply"))


async def test_offline_usage_is_estimated(interviewer):
    messages = [{"role": "user", "content": "hello world"}]
    stream = interviewer.stream_chat(messages, turn=Turn(kind="closing"))
    text = "".join([delta async for delta in stream])
    assert stream.usage is not None and stream.usage.estimated
    assert stream.usage.completion_tokens == count_tokens(text) and stream.usage.prompt_tokens > 0


async def test_offline_stop_early_estimates_partial_usage(interviewer):
    stream = interviewer.stream_chat([], turn=Turn(kind="opening"))
    async for _ in stream:
        break
    await stream.aclose()
    assert stream.usage.completion_tokens == count_tokens(stream.text) and len(stream.text_so_far) == 1


async def test_offline_pace_spaces_words_in_time():
    # With a pace, the loop runs other tasks between words; at pace 0 the words come back to back.
    events: list[str] = []

    async def ticker() -> None:
        while True:
            events.append("tick")
            await asyncio.sleep(0)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0)
    async for _ in OfflineInterviewer(pace=400).stream_chat([], turn=Turn(kind="closing")):
        events.append("word")
    task.cancel()
    words = [i for i, event in enumerate(events) if event == "word"]
    assert all(events[a + 1 : b].count("tick") > 0 for a, b in itertools.pairwise(words))


def test_offline_default_pace_is_human_reading_speed():
    assert 8 <= OfflineInterviewer().pace <= 15


async def test_offline_complete_json_raises_llm_error(interviewer):
    with pytest.raises(LLMError, match="offline"):
        await interviewer.complete_json([], schema={}, purpose="report")


def test_offline_identifies_itself(interviewer):
    assert interviewer.is_offline and interviewer.model_name == "offline-interviewer"


def test_get_provider_returns_offline_interviewer_when_offline(settings):
    settings.LLM_OFFLINE = True
    assert isinstance(get_provider(), OfflineInterviewer)
