"""Journey 6: an admin approves a role request and finds token usage and costs in Django admin."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import PASSWORD, log_in, person, practice_chat, wait_reply_done

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_admin_approves_role_request_and_reads_costs(journey, site):
    person("root", role="admin", is_staff=True, is_superuser=True)
    chat = practice_chat(person("dora"), 120)

    # Dora practises a little (the model's tokens are recorded), then asks for the interviewer role.
    candidate = journey.page()
    log_in(candidate, "dora", path=f"/accounts/login/?next=/interviews/{chat.pk}/")
    candidate.get_by_role("button", name="Start the interview").click()
    wait_reply_done(candidate, 1)
    candidate.get_by_role("link", name="Become an interviewer").click()
    expect(candidate.locator("#history-title + .empty-state")).to_contain_text("not requested another role yet")
    candidate.get_by_label("Reason").fill("I run the hiring loop for the platform team.")
    candidate.get_by_role("button", name="Request the interviewer role").click()
    expect(candidate.locator("main")).to_contain_text("waiting for an admin's decision")
    journey.shot(candidate, "role-requested")

    # The admin approves it with the admin action.
    admin = journey.page(viewport={"width": 1600, "height": 900})  # the ledger's cost column is its last
    admin.goto("/admin/")
    admin.get_by_label("Username").fill("root")
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Log in").click()
    admin.get_by_role("link", name="Role change requests").click()
    admin.get_by_role("row", name="dora").get_by_role("checkbox").check()
    admin.locator("select[name=action]").select_option(label="Approve selected pending requests (grants the role)")
    journey.shot(admin, "admin-approve-action")
    admin.get_by_role("button", name="Go").click()
    expect(admin.locator(".messagelist")).to_contain_text("Approved 1 request(s).")
    expect(admin.get_by_role("row", name="dora")).to_contain_text("Approved")
    journey.shot(admin, "admin-request-approved")

    # Token usage and what it cost, in the admin's ledger.
    admin.goto("/admin/")
    admin.get_by_role("link", name="Token usage", exact=True).click()
    admin.get_by_role("button", name="Toggle navigation").click()  # room for every column of the ledger
    row = admin.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("interview_turn")
    expect(row).to_contain_text("gpt-4o-mini")
    expect(row).to_contain_text("0.000106")  # 600 prompt tokens × $0.00015/1K + 27 completion × $0.0006/1K
    journey.shot(admin, "admin-token-usage-costs")

    # Dora is an interviewer now.
    candidate.get_by_role("link", name="Active Interview").click()
    expect(candidate.locator(".nav-user")).to_contain_text("Interviewer")
    expect(candidate.get_by_role("link", name="Templates")).to_be_visible()
    journey.shot(candidate, "candidate-now-interviewer")
