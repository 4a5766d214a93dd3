"""The term library in Django admin: an empty or duplicate term is a clear error and nothing is saved."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from interview.models import FairnessTerm

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("library")]
ADD = "/admin/interview/fairnessterm/add/"


def _add(client, admin_user, term: str):
    client.force_login(admin_user)
    data = {"term": term, "category": "age", "severity": "block", "explanation": "Test.", "active": "on"}
    return client.post(ADD, data)


def test_admin_lists_the_library(client, admin_user):
    client.force_login(admin_user)
    page = client.get("/admin/interview/fairnessterm/?q=too+old").content.decode()
    assert "too old" in page


@pytest.mark.parametrize("term", ["", "   ", "\t\n"])
def test_admin_empty_term_is_a_clear_error(client, admin_user, term):
    before = FairnessTerm.objects.count()
    response = _add(client, admin_user, term)
    page = response.content.decode()
    assert response.status_code == 200
    assert "This field is required" in page or "The term is empty" in page
    assert FairnessTerm.objects.count() == before


def test_admin_punctuation_only_term_is_a_clear_error(client, admin_user):
    assert "needs at least one letter" in _add(client, admin_user, "'-'").content.decode()


def test_admin_duplicate_term_ignoring_case_is_a_clear_error(client, admin_user):
    page = _add(client, admin_user, "Too  OLD").content.decode()
    assert "already in the library" in page
    assert FairnessTerm.objects.filter(term__iexact="too old").count() == 1


def test_admin_new_term_is_saved_collapsed(client, admin_user):
    assert _add(client, admin_user, "  past  it ").status_code == 302
    assert FairnessTerm.objects.filter(term="past it").exists()


def test_database_refuses_an_empty_term():
    with pytest.raises(IntegrityError), transaction.atomic():
        FairnessTerm.objects.create(term="  ", category="age", severity="block", explanation="x")


def test_database_refuses_a_duplicate_ignoring_case():
    with pytest.raises(IntegrityError), transaction.atomic():
        FairnessTerm.objects.create(term="TOO OLD", category="age", severity="block", explanation="x")


def test_admin_reports_filter_by_needs_human_review(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/interview/exportablereport/?needs_human_review__exact=1").status_code == 200
