"""A report of an interview the model conducted, after its candidate withdrew consent: graded offline, no call."""

from __future__ import annotations

import pytest

from interview.accounts.consent import consent_record
from tests.reports.helpers import generate, make_chat

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("llm")]


def test_withdrawn_consent_grades_by_the_offline_rubric(user, llm):
    chat = make_chat(user)
    consent_record(user=user, agreed=False)
    report = generate(chat)
    assert (report.status, report.is_offline, len(llm.requests)) == ("ready", True, 0)
