"""The home page: what the product is, and where each kind of user goes next."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_offers_sign_up_to_visitors(client):
    assert reverse("register") in client.get(reverse("home")).content.decode()


def test_home_offers_practice_to_signed_in_users(client, user):
    client.force_login(user)
    page = client.get(reverse("home")).content.decode()
    assert reverse("interview_new") in page and reverse("invitation_create") not in page


def test_home_offers_invitations_to_interviewers(client, interviewer):
    client.force_login(interviewer)
    assert reverse("invitation_create") in client.get(reverse("home")).content.decode()
