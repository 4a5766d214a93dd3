"""The hiring builders (tests/hiring/helpers.py) build what they claim."""

from __future__ import annotations

import pytest

from interview.hiring.selectors import token_hash
from tests.factories import UserFactory
from tests.hiring.helpers import fillable_template, invitation_with_token, verified_user


@pytest.mark.django_db
def test_verified_user_has_verified_email():
    assert verified_user("ada").profile.email_verified


@pytest.mark.django_db
def test_fillable_template_is_private_to_its_owner():
    owner = UserFactory(role="interviewer")
    assert fillable_template(owner).is_public is False


@pytest.mark.django_db
def test_invitation_with_token_stores_only_the_hash():
    invitation, token = invitation_with_token(interviewer=UserFactory(role="interviewer"), email="a@example.com")
    assert (invitation.token_hash, token in invitation.token_hash) == (token_hash(token), False)
