"""The pure rules of extra time (interview/interviews/accommodation.py) and a practice chat's multiplier."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from interview.interviews import accommodation as acc
from interview.interviews.chats import chat_create
from interview.models import Chat


@pytest.mark.parametrize(("value", "expected"), [(1, "1.00"), ("1.25", "1.25"), (1.5, "1.50"), ("2", "2.00")])
def test_multiplier_parse_accepts_the_four_multipliers(value, expected):
    assert acc.multiplier_parse(value) == Decimal(expected)


@pytest.mark.parametrize("value", [0, 3, "x", "", None, True, 1.3, "NaN", "Infinity", [1.5], -1])
def test_multiplier_parse_refuses_anything_else(value):
    with pytest.raises(ValueError, match=r"1, 1\.25, 1\.5 or 2"):
        acc.multiplier_parse(value)


def test_time_limit_adjusted_rounds_up():
    assert (acc.time_limit_adjusted(45, Decimal("1.25")), acc.time_limit_adjusted(60, Decimal("1.5"))) == (57, 90)


def test_key_questions_accommodate_is_idempotent():
    questions = [{"time_limit": 60}]
    acc.key_questions_accommodate(questions, Decimal("1.5"))
    acc.key_questions_accommodate(questions, Decimal("1.5"))
    assert questions == [{"time_limit": 90, "base_time_limit": 60}]


def test_window_extra_seconds_counts_key_questions_and_follow_ups():
    # Two 120 s questions with one 60 s follow-up each: 360 s of clocks; 1.5x adds half of it.
    questions = [{"time_limit": 120}, {"time_limit": 120}]
    assert acc.window_extra_seconds(questions, Decimal("1.5"), max_follow_ups=1, ratio=0.5) == 180


def test_window_extra_seconds_is_zero_for_standard_time():
    assert acc.window_extra_seconds([{"time_limit": 120}], Decimal("1"), max_follow_ups=3, ratio=0.5) == 0


def test_extra_time_label_is_empty_for_standard_time():
    assert (acc.extra_time_label(Decimal("1.00")), acc.extra_time_label(Decimal("1.50"))) == ("", "1.5×")


@pytest.mark.django_db
def test_chat_create_takes_the_multiplier(user, offline_llm):
    chat = chat_create(user=user, title="Practice", type="GEN", difficulty=5, time_multiplier="1.25")
    assert chat.time_multiplier == Decimal("1.25")


@pytest.mark.django_db
@pytest.mark.parametrize("value", [0, 3, "x"])
def test_chat_create_refuses_a_bad_multiplier_and_saves_nothing(user, offline_llm, value):
    with pytest.raises(ValidationError) as info:
        chat_create(user=user, title="Practice", type="GEN", difficulty=5, time_multiplier=value)
    assert "time_multiplier" in info.value.message_dict and not Chat.objects.exists()


@pytest.mark.django_db
def test_chat_api_create_takes_the_multiplier(user, offline_llm):
    api = APIClient()
    api.force_authenticate(user)
    body = {"title": "Practice", "type": "GEN", "difficulty": 5, "time_multiplier": 1.5}
    response = api.post("/api/chats/", body, format="json")
    assert (response.status_code, response.json()["time_multiplier"]) == (201, "1.50")


@pytest.mark.django_db
@pytest.mark.parametrize("value", [0, 3, "x"])
def test_chat_api_create_refuses_a_bad_multiplier(user, offline_llm, value):
    api = APIClient()
    api.force_authenticate(user)
    body = {"title": "Practice", "type": "GEN", "difficulty": 5, "time_multiplier": value}
    response = api.post("/api/chats/", body, format="json")
    assert response.status_code == 400 and "1, 1.25, 1.5 or 2" in response.json()["time_multiplier"][0]
    assert not Chat.objects.exists()


@pytest.mark.django_db
def test_new_interview_form_takes_the_multiplier(client, user, offline_llm):
    client.force_login(user)
    data = {"title": "Practice", "type": "GEN", "difficulty": 5, "max_follow_ups": 1, "time_multiplier": "2.00"}
    response = client.post("/interviews/new/", data)
    assert response.status_code == 302 and Chat.objects.get().time_multiplier == Decimal("2")


@pytest.mark.django_db
def test_new_interview_form_refuses_a_bad_multiplier(client, user, offline_llm):
    client.force_login(user)
    data = {"title": "Practice", "type": "GEN", "difficulty": 5, "max_follow_ups": 1, "time_multiplier": "3"}
    response = client.post("/interviews/new/", data)
    assert response.status_code == 400 and "1, 1.25, 1.5 or 2" in response.content.decode()
    assert not Chat.objects.exists()
