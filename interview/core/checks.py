"""System checks of our own settings: `manage.py check --deploy` runs the deploy-tagged ones (CI does)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.http.request import validate_host

LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})


@register(Tags.security, deploy=True)
def check_site_url(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """SITE_URL must name the public site, since every emailed link points there."""
    site = urlsplit(settings.SITE_URL)
    if not site.hostname or site.hostname in LOCAL_HOSTS:
        return [
            Error(
                f"SITE_URL is {settings.SITE_URL!r}: emailed links would point at this machine, not the site.",
                hint="Set DJANGO_SITE_URL to the public address, e.g. https://interview.example.com.",
                id="interview.E001",
            )
        ]
    messages: list[CheckMessage] = []
    if site.scheme != "https":
        messages.append(
            Warning("SITE_URL is not https: emailed links would be sent in the clear.", id="interview.W001")
        )
    if not validate_host(site.hostname, settings.ALLOWED_HOSTS):
        messages.append(
            Warning(
                f"SITE_URL's host {site.hostname!r} is not in ALLOWED_HOSTS: its links would be refused.",
                hint="Add it to DJANGO_ALLOWED_HOSTS.",
                id="interview.W002",
            )
        )
    return messages
