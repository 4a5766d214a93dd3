"""Data export and erasure in the browser: a candidate takes their data with them, then has it erased.

The candidate uploads a resume (agreeing to send it to the model first) and has a finished practice
interview; /account/data/ asks for an export, the worker builds it and mails a link, the link downloads a
ZIP holding their data and file. Then /account/delete/: a wrong password erases nothing, the right one
signs them out for good.
"""

from __future__ import annotations

import json
import re
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from interview.models import Chat, UploadedResume
from tests.e2e.helpers import PASSWORD, log_in, person, wait_until
from tests.factories import ChatFactory

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

MARKER = "zebra-quartz-7741"  # planted in the resume and in an answer: it must come back in the export
LINK = re.compile(r"/account/data/download/[^/\s]+/")


def finished_practice(user) -> Chat:
    """A completed practice interview of `user` whose one answer carries MARKER."""
    now = timezone.now().isoformat()
    messages = [
        {"id": "m-1", "role": "assistant", "content": "What is a generator?", "status": "complete", "created_at": now},
        {
            "id": "m-2",
            "role": "user",
            "content": f"It yields lazily ({MARKER}).",
            "client_id": "c-1",
            "created_at": now,
        },
        {
            "id": "m-3",
            "role": "assistant",
            "content": "Thank you, that is all.",
            "status": "complete",
            "created_at": now,
        },
    ]
    return ChatFactory(
        user=user, title="Generators practice", status=Chat.COMPLETED, messages=messages, completed_at=timezone.now()
    )


def upload_resume(journey, page, tmp_path) -> None:
    """Upload a text resume carrying MARKER, agreeing on the way to send documents to the model."""
    page.goto("/resumes/upload/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sending your data to the AI model")
    page.get_by_role("button", name="I agree").click()
    path = tmp_path / "dana.txt"
    path.write_text(f"Dana Example\nPython developer, {MARKER}\n")
    page.get_by_label("Title").fill("Dana — backend")
    page.get_by_label("File").set_input_files(str(path))
    page.get_by_role("button", name="Add resume").click()
    expect(page.locator("main")).to_contain_text(MARKER)
    journey.shot(page, "resume-uploaded")


def download_export(journey, page, site, address: str) -> zipfile.ZipFile:
    """Follow the emailed link (its path: the mail names the configured site address) and open the ZIP."""
    mail = wait_until(lambda: site.emails_to(address), timeout=30, message="the export email")[-1]
    assert mail["Subject"].endswith("Your data export is ready")
    path = LINK.search(mail.get_payload()).group(0)
    with page.expect_download() as download:
        try:
            page.goto(path)
        except PlaywrightError as exc:  # a navigation that turns into a download is reported as aborted
            assert "Download is starting" in str(exc) or "ERR_ABORTED" in str(exc), exc
    saved = journey.folder / download.value.suggested_filename
    download.value.save_as(saved)
    return zipfile.ZipFile(saved)


def expected_console_error(journey, status: int, path: str) -> None:
    """A refusal answered `status` is logged by Chromium as a console error: expected once, here."""
    refused = [e for e in journey.errors if f"status of {status}" in e and path in e]
    assert len(refused) == 1, journey.errors
    journey.errors.remove(refused[0])


def test_privacy_journey_export_then_erasure(journey, site, tmp_path):
    user = person("dana", email="dana@example.com", llm_consent=False)  # asked on the first upload
    page = journey.page()
    log_in(page, "dana")
    upload_resume(journey, page, tmp_path)
    chat = finished_practice(user)

    # Ask for the export; the worker builds it and mails a link that downloads it once.
    page.goto("/account/data/")
    journey.shot(page, "data-page")
    page.get_by_role("button", name="Export my data").click()
    expect(page.locator(".flash-success")).to_contain_text("Your export is being prepared")
    journey.shot(page, "export-requested")
    archive = download_export(journey, page, site, "dana@example.com")
    data = json.loads(archive.read("data.json"))
    resume = UploadedResume.objects.get(user=user)
    assert data["user"]["username"] == "dana" and data["user"]["email"] == "dana@example.com"
    assert [row["title"] for row in data["resumes"]] == ["Dana — backend"] and MARKER in data["resumes"][0][
        "text_content"
    ]
    assert [row["id"] for row in data["chats"]] == [chat.pk] and MARKER in json.dumps(data["chats"][0]["messages"])
    assert MARKER in archive.read(f"files/{resume.file.name}").decode()
    assert "README.md" in archive.namelist() and data["missing_files"] == []
    page.goto("/account/data/")
    expect(page.locator("main")).to_contain_text(re.compile("downloaded", re.IGNORECASE))
    journey.shot(page, "export-downloaded")
    page.get_by_role("button", name="Export my data").click()  # a second export the same day is refused
    expect(page.locator(".flash-error")).to_contain_text("one export of your data a day")
    journey.shot(page, "second-export-refused")
    expected_console_error(journey, 429, "/account/data/")

    # Erasure: a wrong password is refused and nothing is erased.
    page.goto("/account/delete/")
    journey.shot(page, "delete-page")
    page.get_by_label("Current password").fill("not-my-password")
    page.get_by_role("button", name="Erase my account").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was erased")
    journey.shot(page, "delete-wrong-password")
    expected_console_error(journey, 400, "/account/delete/")
    assert get_user_model().objects.filter(pk=user.pk).exists() and UploadedResume.objects.filter(user=user).exists()
    assert Chat.objects.filter(pk=chat.pk).exists()

    # The right password erases the account and signs the candidate out; they cannot sign in again.
    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_role("button", name="Erase my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account is erased")
    expect(page.locator(".nav-user")).to_have_count(0)
    journey.shot(page, "account-erased")
    assert not get_user_model().objects.filter(username="dana").exists()
    assert not UploadedResume.objects.filter(pk=resume.pk).exists() and not Chat.objects.filter(pk=chat.pk).exists()
    page.goto("/accounts/login/")
    page.get_by_label("Username or email").fill("dana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.locator("form")).to_contain_text("enter a correct")
    expect(page.locator(".nav-user")).to_have_count(0)
    journey.shot(page, "login-refused")
