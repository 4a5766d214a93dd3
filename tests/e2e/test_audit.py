"""The audit log in the browser: a candidate's own activity page, and the read-only audit admin."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import PASSWORD, log_in, person

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_audit_activity_page_and_read_only_admin(journey, site):
    person("pat")
    person("root", role="admin", is_staff=True, is_superuser=True)
    candidate = journey.page()
    candidate.goto("/accounts/login/")
    candidate.get_by_label("Username or email").fill("pat")
    candidate.get_by_label("Password").fill("not-the-password")
    candidate.get_by_label("Password").press("Enter")
    expect(candidate.locator("form")).to_contain_text("enter a correct")
    log_in(candidate, "pat")
    candidate.get_by_role("link", name="Activity").click()
    rows = candidate.locator("tbody tr")
    expect(rows.first).to_contain_text("Logged in")
    expect(rows.nth(1)).to_contain_text("Failed login")
    journey.shot(candidate, "candidate-activity")

    admin = journey.page()
    admin.goto("/admin/")
    admin.get_by_label("Username").fill("root")
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Log in").click()
    admin.goto("/admin/interview/auditevent/?action=auth.login_failed")
    expect(admin.locator("#result_list tbody tr")).to_have_count(1)
    expect(admin.locator("select[name=action]")).to_have_count(0)  # no bulk actions, so no bulk delete
    journey.shot(admin, "admin-audit-filtered")
    admin.locator("#result_list tbody tr a").first.click()
    expect(admin.locator("input[name=_save]")).to_have_count(0)
    expect(admin.locator(".deletelink")).to_have_count(0)
    journey.shot(admin, "admin-audit-event-read-only")
