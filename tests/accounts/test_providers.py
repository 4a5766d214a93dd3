"""Google, GitHub and Microsoft are configured from settings (or the admin's social apps), never called here."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db
BUILT_IN = {"google": "Google", "github": "GitHub", "microsoft": "Microsoft Graph"}


@pytest.fixture
def configured(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        **settings.SOCIALACCOUNT_PROVIDERS,
        **{
            pid: {**settings.SOCIALACCOUNT_PROVIDERS[pid], "APPS": [{"client_id": "id", "secret": "s"}]}
            for pid in BUILT_IN
        },
    }


@pytest.mark.parametrize("provider_id", BUILT_IN)
def test_provider_login_page_is_served_without_calling_the_provider(client, configured, provider_id):
    response = client.get(f"/accounts/{provider_id}/login/")
    assert response.status_code == 200 and 'class="site-header"' in response.content.decode()


def test_provider_login_page_lists_every_configured_provider(client, configured):
    page = client.get(reverse("login")).content.decode()
    assert all(f'href="/accounts/{pid}/login/' in page for pid in BUILT_IN)


def test_provider_none_configured_lists_none(client):
    assert "Or log in with" not in client.get(reverse("login")).content.decode()


def test_provider_apps_come_from_the_environment():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "p = s.SOCIALACCOUNT_PROVIDERS; "
        "print(p['google']['APPS'][0]['client_id'], p['openid_connect']['APPS'][0]['provider_id'])"
    )
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "live_interview.settings",
        "GOOGLE_CLIENT_ID": "g-id",
        "GOOGLE_CLIENT_SECRET": "g-secret",
        "OIDC_PROVIDERS": '[{"provider_id": "acme", "name": "Acme", "client_id": "c", "secret": "s", '
        '"settings": {"server_url": "https://sso.acme.example"}}]',
    }
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["g-id", "acme"], result.stderr


def test_provider_bad_oidc_providers_setting_fails_fast():
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "live_interview.settings",
        "OIDC_PROVIDERS": "{",
    }
    code = "import django; django.setup()"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "OIDC_PROVIDERS must be a JSON list" in result.stderr


def test_provider_email_never_authenticates_an_existing_account():
    assert django_settings.SOCIALACCOUNT_EMAIL_AUTHENTICATION is False
