"""Beyond the journeys: every kind of page renders under the Content-Security-Policy without a console error.

Django admin (change forms, the export page of django-import-export), the API docs and the setup
pages carry third-party markup and scripts; the journey fixture fails the test on any CSP violation.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import PASSWORD, person, practice_chat

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ADMIN_PAGES = (
    "/admin/",
    "/admin/interview/chat/",
    "/admin/interview/chat/add/",
    "/admin/interview/chat/{chat}/change/",
    "/admin/interview/interviewtemplate/add/",
    "/admin/auth/user/{root}/change/",
    "/admin/auth/user/{root}/password/",
    "/admin/interview/tag/import/",
)
APP_PAGES = (
    "/setup/templates/new/",
    "/setup/banks/new/",
    "/setup/questions/",
    "/usage/all/",
    "/candidates/",
    "/roles/requests/",
    "/interviews/",
    "/accounts/password/",
)


def test_admin_app_and_api_docs_pages_render_under_csp(journey, site):
    root = person("root", role="admin", is_staff=True, is_superuser=True)
    chat = practice_chat(person("pat"), 120)
    page = journey.page()
    page.goto("/admin/")
    page.get_by_label("Username").fill("root")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    for path in (*ADMIN_PAGES, *APP_PAGES):
        page.goto(path.format(chat=chat.pk, root=root.pk))
        page.wait_for_load_state("load")
        expect(page.locator("body")).not_to_contain_text("Server Error")

    # The export page's "Select all" still works without its inline handler.
    page.goto("/admin/interview/tokenusage/export/")
    fields = page.locator(".selectable-field-export-row input[type=checkbox]:checked")
    page.locator(".select-toggle").uncheck()
    expect(fields).to_have_count(0)
    page.locator(".select-toggle").check()
    expect(fields).not_to_have_count(0)

    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info")).to_contain_text("Active Interview API")
