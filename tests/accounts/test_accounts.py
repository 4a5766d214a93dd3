"""Sign-up, log in, log out and password change through the server-rendered pages."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from interview.accounts.forms import EMAIL_IN_USE
from tests.factories import UserFactory

User = get_user_model()
PASSWORD = "Quiet-Harbour-1987"

pytestmark = pytest.mark.django_db


def _signup(client, **overrides):
    data = {
        "username": "newbie",
        "email": "newbie@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **overrides,
    }
    return client.post(reverse("register"), data)


def _login(client, identifier, password="correct-horse-battery"):
    return client.post(reverse("login"), {"login": identifier, "password": password})


def _logged_in_user_id(client):
    return client.session.get("_auth_user_id")


# --- Register ---------------------------------------------------------------------------------


def test_register_page_renders_form(client):
    response = client.get(reverse("register"))
    assert response.status_code == 200
    assert b'name="email"' in response.content


def test_register_success_redirects_home(client):
    response = _signup(client)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_register_success_welcomes_the_new_user(client):
    response = _signup(client)
    assert "Welcome, newbie! Your account is ready." in client.get(response.url).content.decode()


def test_register_success_logs_user_in(client):
    _signup(client)
    assert _logged_in_user_id(client) == str(User.objects.get(username="newbie").pk)


def test_register_new_user_is_candidate_in_average_role_group(client):
    _signup(client)
    user = User.objects.get(username="newbie")
    assert user.profile.role == "candidate"
    assert list(user.groups.values_list("name", flat=True)) == ["average_role"]


def test_register_lowercases_email(client):
    # allauth lower-cases the whole address (it compares addresses case-insensitively everywhere).
    _signup(client, email="  Newbie@Example.COM ")
    assert User.objects.get(username="newbie").email == "newbie@example.com"


DUPLICATE_EMAILS = ["taken@example.com", "TAKEN@EXAMPLE.COM", "Taken@Example.com", " taken@example.com "]


@pytest.mark.parametrize("email", DUPLICATE_EMAILS)
def test_register_duplicate_email_shows_message_in_any_case(client, email):
    UserFactory(username="first", email="taken@example.com")
    response = _signup(client, email=email)
    assert EMAIL_IN_USE in response.content.decode()


@pytest.mark.parametrize("email", DUPLICATE_EMAILS)
def test_register_duplicate_email_creates_no_user(client, email):
    UserFactory(username="first", email="taken@example.com")
    _signup(client, email=email)
    assert not User.objects.filter(username="newbie").exists()


def test_register_password_mismatch_shows_error_and_creates_nothing(client):
    response = _signup(client, password2="Different-Harbour-1987")
    assert "didn’t match" in response.content.decode()
    assert not User.objects.exists()


def test_register_weak_password_shows_error_and_creates_nothing(client):
    response = _signup(client, password1="12345678", password2="12345678")
    assert "This password is too common." in response.content.decode()
    assert not User.objects.exists()


def test_register_field_errors_marked_invalid_for_assistive_tech(client):
    response = _signup(client, password2="Different-Harbour-1987")
    assert 'aria-invalid="true"' in response.content.decode()
    assert 'id="id_password2_error"' in response.content.decode()


def test_register_username_with_at_sign_refused(client):
    response = _signup(client, username="new@bie")
    assert "cannot contain" in response.content.decode()
    assert not User.objects.exists()


def test_register_follows_safe_next(client):
    response = client.post(
        f"{reverse('register')}?next=/accounts/password/",
        {"username": "newbie", "email": "n@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.url == "/accounts/password/"


def test_register_ignores_offsite_next(client):
    response = client.post(
        reverse("register"),
        {
            "username": "newbie",
            "email": "n@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": "https://evil.example.com/",
        },
    )
    assert response.url == reverse("home")


def test_register_authenticated_user_redirected_home(client, user):
    client.force_login(user)
    assert client.get(reverse("register")).url == reverse("home")


# --- Log in and out ---------------------------------------------------------------------------


def test_login_page_labels_identifier_username_or_email(client):
    assert "Username or email" in client.get(reverse("login")).content.decode()


def test_login_with_username(client, user):
    _login(client, "candidate")
    assert _logged_in_user_id(client) == str(user.pk)


def test_login_with_email_any_case(client, user):
    _login(client, "CANDIDATE@example.com")
    assert _logged_in_user_id(client) == str(user.pk)


def test_login_wrong_password_shows_error(client, user):
    response = _login(client, "candidate", "nope")
    assert "Please enter a correct username or email and password." in response.content.decode()
    assert _logged_in_user_id(client) is None


def test_logout_post_logs_out(client, user):
    client.force_login(user)
    response = client.post(reverse("logout"))
    assert response.url == reverse("home")
    assert _logged_in_user_id(client) is None


def test_logout_get_asks_to_confirm_and_keeps_the_session(client, user):
    # allauth answers GET with a confirmation form (POST logs out), where Django's view answered 405.
    client.force_login(user)
    response = client.get(reverse("logout"))
    assert response.status_code == 200
    assert _logged_in_user_id(client) == str(user.pk)


def test_register_login_logout_flow(client):
    _signup(client)
    client.post(reverse("logout"))
    _login(client, "newbie@example.com", PASSWORD)
    assert _logged_in_user_id(client) == str(User.objects.get(username="newbie").pk)


# --- Password change (allauth's page; the old address redirects to it) ---------------------------


def _change_password(client, old="correct-horse-battery", new=PASSWORD):
    return client.post(reverse("account_change_password"), {"oldpassword": old, "password1": new, "password2": new})


def test_password_change_old_address_redirects_to_allauths_page(client, user):
    client.force_login(user)
    assert client.get(reverse("password_change")).url == reverse("account_change_password")


def test_password_change_requires_login(client):
    response = client.get(reverse("account_change_password"))
    assert response.url.startswith(reverse("login"))


def test_password_change_sets_new_password(client, user):
    client.force_login(user)
    _change_password(client)
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_change_keeps_user_logged_in(client, user):
    client.force_login(user)
    _change_password(client)
    assert _logged_in_user_id(client) == str(user.pk)


def test_password_change_wrong_old_password_shows_error(client, user):
    client.force_login(user)
    response = _change_password(client, old="wrong")
    assert "Please type your current password." in response.content.decode()


def test_database_refuses_duplicate_email_in_any_case(db):
    from django.contrib.auth import get_user_model
    from django.db import IntegrityError, transaction

    get_user_model().objects.create_user("first", "Same@Example.com", "pw-1234567")
    with pytest.raises(IntegrityError), transaction.atomic():
        get_user_model().objects.create_user("second", "same@example.COM", "pw-1234567")
