"""The admin shows and imports the follow-up policy and a bank question's guidance."""

from __future__ import annotations

import pytest
import tablib
from django.urls import reverse

from interview import models as m
from interview.admin.resources import InterviewTemplateResource, QuestionResource
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_admin_template_change_page_shows_max_follow_ups(admin_client):
    template = f.TemplateFactory(max_follow_ups=2)
    page = admin_client.get(reverse("admin:interview_interviewtemplate_change", args=[template.pk])).content.decode()
    assert 'name="max_follow_ups" value="2"' in page


def test_admin_template_changelist_shows_max_follow_ups(admin_client):
    f.TemplateFactory(max_follow_ups=3)
    page = admin_client.get(reverse("admin:interview_interviewtemplate_changelist")).content.decode()
    assert '<td class="field-max_follow_ups">3</td>' in page


def test_admin_chat_change_page_shows_max_follow_ups(admin_client):
    chat = f.ChatFactory(max_follow_ups=0)
    page = admin_client.get(reverse("admin:interview_chat_change", args=[chat.pk])).content.decode()
    assert 'name="max_follow_ups" value="0"' in page


def test_admin_question_change_page_shows_guidance(admin_client):
    question = f.QuestionFactory(guidance="Mentions the trade-off.")
    page = admin_client.get(reverse("admin:interview_question_change", args=[question.pk])).content.decode()
    assert 'name="guidance"' in page and "Mentions the trade-off." in page


def test_question_resource_import_reads_guidance():
    bank = f.QuestionBankFactory()
    dataset = tablib.Dataset(
        headers=["id", "question_bank", "text", "difficulty", "interview_type", "tags", "guidance"]
    )
    dataset.append(["", bank.pk, "Explain the GIL.", "hard", "", "", "Names the interpreter lock."])
    assert not QuestionResource().import_data(dataset, dry_run=False).has_errors()
    assert m.Question.objects.get(text="Explain the GIL.").guidance == "Names the interpreter lock."


def test_template_resource_import_refuses_max_follow_ups_out_of_range():
    user = f.UserFactory(username="owner")
    headers = ["id", "name", "user", "difficulty", "question_count", "easy_percentage", "medium_percentage"]
    dataset = tablib.Dataset(headers=[*headers, "hard_percentage", "max_follow_ups"])
    dataset.append(["", "Imported", user.username, 3, 5, 34, 33, 33, 4])
    assert InterviewTemplateResource().import_data(dataset, dry_run=False).has_validation_errors()
    assert not m.InterviewTemplate.objects.exists()
