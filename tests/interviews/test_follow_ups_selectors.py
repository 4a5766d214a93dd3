"""Reads of a chat with follow-ups and guidance (interview/interviews/selectors.py)."""

import pytest

from interview.interviews.selectors import key_questions_visible_to
from tests.factories import ChatFactory, UserFactory

pytestmark = pytest.mark.django_db

ASKED = {"question": "How do you fix a slow query?", "time_limit": 120, "status": "asked", "guidance": "A measurement."}


def test_key_questions_visible_to_candidate_never_show_guidance():
    chat = ChatFactory(key_questions=[dict(ASKED)])
    assert "guidance" not in key_questions_visible_to(chat.user, chat)[0]


def test_key_questions_visible_to_admin_show_guidance():
    chat = ChatFactory(key_questions=[dict(ASKED)])
    admin = UserFactory(username="boss", is_staff=True, is_superuser=True, role="admin")
    assert key_questions_visible_to(admin, chat)[0]["guidance"] == "A measurement."
