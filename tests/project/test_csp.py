"""The Content-Security-Policy header, and the templates that must live within it."""

import re
from pathlib import Path

import pytest

from live_interview.csp import policy_text

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# Emails are read in mail clients, which need inline styles; no browser page of ours is an email.
PAGE_TEMPLATES = sorted(p for p in TEMPLATES.rglob("*.html") if "emails" not in p.parts)


def _markup(path):
    """The template's text without its comments (which may name what they avoid)."""
    text = re.sub(r"\{#.*?#\}", "", path.read_text(), flags=re.S)
    return re.sub(r"\{% comment %\}.*?\{% endcomment %\}", "", text, flags=re.S)


def _directives(response, header="Content-Security-Policy"):
    return {part.split()[0]: part.split()[1:] for part in response[header].split("; ")}


@pytest.mark.django_db
def test_csp_header_set_on_pages(client):
    policy = _directives(client.get("/"))
    assert policy["default-src"] == ["'self'"] and policy["script-src"] == ["'self'"]


@pytest.mark.django_db
def test_csp_refuses_inline_script_and_style(client):
    header = client.get("/")["Content-Security-Policy"]
    assert "unsafe-inline" not in header and "unsafe-eval" not in header


@pytest.mark.django_db
def test_csp_forbids_framing_and_foreign_forms(client):
    policy = _directives(client.get("/"))
    assert (policy["frame-ancestors"], policy["form-action"], policy["base-uri"]) == (
        ["'none'"],
        ["'self'"],
        ["'self'"],
    )


@pytest.mark.django_db
def test_csp_connect_src_allows_own_websocket(client):
    assert _directives(client.get("/"))["connect-src"] == ["'self'", "ws://testserver"]


@pytest.mark.django_db
def test_csp_connect_src_uses_wss_over_https(client):
    response = client.get("/", secure=True)
    assert _directives(response)["connect-src"] == ["'self'", "wss://testserver"]


@pytest.mark.django_db
def test_csp_set_on_admin_pages(admin_client):
    assert "script-src 'self'" in admin_client.get("/admin/")["Content-Security-Policy"]


@pytest.mark.django_db
def test_csp_report_only_setting(client, settings):
    settings.CSP_REPORT_ONLY = True
    response = client.get("/")
    assert (
        "Content-Security-Policy" not in response
        and "default-src 'self'" in response["Content-Security-Policy-Report-Only"]
    )


@pytest.mark.django_db
def test_csp_exempt_path_has_no_header(client, settings):
    settings.CSP_EXEMPT_PATHS = ["/accounts/"]
    assert "Content-Security-Policy" not in client.get("/accounts/login/")


@pytest.mark.django_db
def test_csp_disabled_when_policy_empty(client, settings):
    settings.CONTENT_SECURITY_POLICY = {}
    assert "Content-Security-Policy" not in client.get("/")


@pytest.mark.django_db
def test_csp_set_on_not_found_pages(client):
    assert "default-src 'self'" in client.get("/no-such-page/")["Content-Security-Policy"]


@pytest.mark.django_db
def test_csp_leaves_debug_error_pages_alone(client, settings):
    settings.DEBUG = True  # Django's technical 404 page has inline script and style
    assert "Content-Security-Policy" not in client.get("/no-such-page/")


def test_policy_text_without_host_adds_no_websocket():
    assert policy_text({"connect-src": ["'self'"], "img-src": ["'self'", "data:"]}) == (
        "connect-src 'self'; img-src 'self' data:"
    )


@pytest.mark.parametrize("path", PAGE_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_has_no_inline_script(path):
    html = _markup(path)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>: move it to static/js"


@pytest.mark.parametrize("path", PAGE_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_has_no_inline_handler_or_style(path):
    html = _markup(path)
    assert not re.search(r"\son[a-z]+\s*=|\sstyle\s*=|<style\b", html), "inline handler or style: CSP refuses it"
