"""The monthly spending cap: priced from the price table, admins emailed once at 80 %, new interviews offline or
refused at 100 %."""

from __future__ import annotations

import io
import math
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from interview.models import BudgetAlert, Chat, TokenUsage
from interview.usage.alerts import budget_alert_check
from interview.usage.quotas import monthly_spend
from tests.factories import TokenUsageFactory, UserFactory
from tests.reports.helpers import generate, make_chat

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def cap(settings):
    settings.LLM_MONTHLY_BUDGET_USD = 10.0
    settings.LLM_DAILY_TOKENS = {}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings


def spent(dollars: float, *, when=NOW, model="gpt-4o"):
    """A row costing `dollars` (gpt-4o: $0.03 per 1K prompt tokens) written at `when`."""
    row = TokenUsageFactory(model_name=model, prompt_tokens=math.ceil(dollars * 1000 / 0.03), completion_tokens=0)
    TokenUsage.objects.filter(pk=row.pk).update(created_at=when)
    return row


def admins():
    return [UserFactory(username="root", role="admin"), UserFactory(username="boss2", is_superuser=True)]


def test_spend_is_this_month_priced_and_unknown_models_count_zero(cap):
    spent(3.0)
    spent(5.0, when=datetime(2026, 11, 30, 23, 59, tzinfo=UTC))  # last month
    TokenUsageFactory(model_name="mystery-model", prompt_tokens=999, completion_tokens=1)
    TokenUsage.objects.filter(model_name="mystery-model").update(created_at=NOW)

    spend = monthly_spend(now=NOW)

    assert spend.spent == pytest.approx(Decimal("3.0"), abs=Decimal("0.0001")) and spend.percent == pytest.approx(30.0)
    assert (spend.unpriced_tokens, spend.unpriced_models) == (1000, ("mystery-model",))


def test_alert_at_80_percent_emails_every_admin_once(cap):
    admins()
    UserFactory(username="noemail", role="admin", email="")
    spent(8.0)

    first = budget_alert_check(now=NOW)
    second = budget_alert_check(now=NOW)

    assert (first, second) == (2, 0)
    assert sorted(m.to[0] for m in mail.outbox) == ["boss2@example.com", "root@example.com"]
    assert "80 %" in mail.outbox[0].subject and BudgetAlert.objects.count() == 1


def test_alert_marker_already_there_sends_nothing(cap):
    admins()
    spent(9.0)
    BudgetAlert.objects.create(month=datetime(2026, 12, 1).date(), threshold=80)

    assert budget_alert_check(now=NOW) == 0 and mail.outbox == []


def test_no_alert_below_80_percent(cap):
    admins()
    spent(7.9)

    assert budget_alert_check(now=NOW) == 0 and not BudgetAlert.objects.exists()


def test_no_alert_without_a_cap(cap):
    cap.LLM_MONTHLY_BUDGET_USD = 0.0
    admins()
    spent(1000.0)

    assert budget_alert_check(now=NOW) == 0


def test_settle_loop_sends_the_alert_once(cap):
    admins()
    spent(9.0, when=datetime.now(UTC))

    call_command("invitations_settle", stdout=io.StringIO())
    call_command("invitations_settle", stdout=io.StringIO())

    assert len(mail.outbox) == 2 and BudgetAlert.objects.count() == 1


def test_chat_create_at_the_cap_in_offline_mode_uses_the_banks(cap, llm):
    cap.LLM_BUDGET_EXCEEDED = "offline"
    spent(10.0, when=datetime.now(UTC))
    user = UserFactory()
    client = APIClient()
    client.force_authenticate(user)

    response = client.post("/api/chats/", {"title": "Practice", "type": "GEN", "difficulty": 5}, format="json")

    assert response.status_code == 201 and llm.requests == []
    assert Chat.objects.get(user=user).key_questions


def test_chat_create_at_the_cap_in_refuse_mode_is_a_429(cap, llm):
    cap.LLM_BUDGET_EXCEEDED = "refuse"
    spent(10.0, when=datetime.now(UTC))
    client = APIClient()
    client.force_authenticate(UserFactory())

    response = client.post("/api/chats/", {"title": "Practice", "type": "GEN", "difficulty": 5}, format="json")

    assert response.status_code == 429 and response.json()["scope"] == "monthly"
    assert int(response["Retry-After"]) > 0


def test_admin_usage_page_shows_the_spend_and_unpriced_models(cap):
    spent(2.5, when=datetime.now(UTC))
    TokenUsageFactory(model_name="mystery-model", prompt_tokens=40, completion_tokens=2)
    client = Client()
    client.force_login(admins()[0])

    page = client.get(reverse("usage_all")).content.decode()

    assert "<strong>$2.50</strong> of the <strong>$10.00</strong> monthly budget (25 %)" in page
    assert "42 tokens of models with no known price count as $0: mystery-model" in page


def test_report_page_says_the_cap_made_it_offline(cap, offline_llm):
    user = UserFactory()
    chat = make_chat(user)
    Chat.objects.filter(pk=chat.pk).update(interviewer_model="offline-interviewer", offline_reason="budget")
    generate(chat)
    client = Client()
    client.force_login(user)

    page = client.get(reverse("report_detail", args=[chat.pk])).content.decode()

    assert "because the organisation's monthly AI spending cap was reached" in page
