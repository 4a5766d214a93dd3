"""User signals: every user gets a candidate profile and the average_role group, kept in step on save."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import serializers

from interview.accounts.receivers import AVERAGE_ROLE_GROUP
from interview.models import UserProfile
from tests.factories import UserFactory

User = get_user_model()


def test_signals_create_user_creates_profile(db):
    user = User.objects.create_user(username="new", password="pw-12345678")
    assert UserProfile.objects.filter(user=user).count() == 1


@pytest.mark.parametrize(("field_name", "expected"), [("role", "candidate"), ("auth_provider", "local")])
def test_signals_new_profile_defaults(db, field_name, expected):
    user = User.objects.create_user(username="new", password="pw-12345678")
    assert getattr(UserProfile.objects.get(user=user), field_name) == expected


def test_signals_new_profile_reachable_as_user_profile(db):
    user = User.objects.create_user(username="new", password="pw-12345678")
    assert User.objects.get(pk=user.pk).profile.role == UserProfile.CANDIDATE


def test_signals_create_superuser_also_gets_profile(db):
    admin = User.objects.create_superuser(username="root", email="root@example.com", password="pw-12345678")
    assert UserProfile.objects.filter(user=admin).exists()


def test_signals_create_user_adds_average_role_group(db):
    user = User.objects.create_user(username="new", password="pw-12345678")
    assert list(user.groups.values_list("name", flat=True)) == [AVERAGE_ROLE_GROUP]


def test_signals_average_role_group_name():
    assert AVERAGE_ROLE_GROUP == "average_role"


def test_signals_group_created_once_for_many_users(db):
    first = User.objects.create_user(username="one")
    second = User.objects.create_user(username="two")
    group = Group.objects.get(name=AVERAGE_ROLE_GROUP)
    assert set(group.user_set.all()) == {first, second}


def test_signals_existing_group_reused(db):
    group = Group.objects.create(name=AVERAGE_ROLE_GROUP)
    user = User.objects.create_user(username="new")
    assert list(user.groups.all()) == [group]
    assert Group.objects.filter(name=AVERAGE_ROLE_GROUP).count() == 1


def test_signals_saving_user_again_creates_no_second_profile(user):
    user.first_name = "Changed"
    user.save()
    assert UserProfile.objects.filter(user=user).count() == 1


def test_signals_saving_user_saves_profile_changes(user):
    user.profile.role = UserProfile.INTERVIEWER
    user.profile.auth_provider = "google"
    user.save()
    profile = UserProfile.objects.get(user=user)
    assert (profile.role, profile.auth_provider) == ("interviewer", "google")


def test_signals_saving_user_touches_profile_updated_at(user):
    before = UserProfile.objects.get(user=user).updated_at
    user.save()
    assert UserProfile.objects.get(user=user).updated_at > before


def test_signals_saving_user_does_not_reset_role(db):
    user = UserFactory(role="admin")
    fresh = User.objects.get(pk=user.pk)
    fresh.save()
    assert UserProfile.objects.get(user=user).role == "admin"


def test_signals_profile_recreated_when_row_deleted(user):
    UserProfile.objects.filter(user=user).delete()
    fresh = User.objects.get(pk=user.pk)
    fresh.save()
    assert UserProfile.objects.get(user=user).role == "candidate"


def test_signals_profile_recreated_when_cached_profile_deleted(user):
    user.profile.delete()
    user.save()
    assert UserProfile.objects.filter(user=user).count() == 1


def test_signals_profile_recreated_when_row_deleted_behind_cached_profile(user):
    assert user.profile.pk
    UserProfile.objects.filter(user=user).delete()
    user.save()
    assert UserProfile.objects.filter(user=user).count() == 1


def test_signals_raw_save_creates_no_profile(db):
    """Fixture loading (raw saves) brings its own profiles; the signal stays out of the way."""
    payload = '[{"model": "auth.user", "pk": 4242, "fields": {"username": "loaded", "password": "!"}}]'
    for obj in serializers.deserialize("json", payload):
        obj.save()
    assert User.objects.filter(pk=4242).exists()
    assert not UserProfile.objects.filter(user_id=4242).exists()
