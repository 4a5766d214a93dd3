"""The report page and its downloads: states, offline labels, private notes, published review feedback, exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from interview.models import ExportableReport, ObserverNote
from interview.reports import services as svc
from tests.factories import ChatFactory, InvitationFactory, UserFactory
from tests.reports.helpers import QUESTIONS, generate, make_chat
from tests.scoring.helpers import scorecard_submitted

pytestmark = pytest.mark.django_db


def page(client, chat, user=None) -> str:
    client.force_login(user or chat.user)
    response = client.get(reverse("report_detail", args=[chat.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def ready(user, offline_llm):
    chat = make_chat(user)
    generate(chat)
    return chat


@pytest.fixture
def invited(ready):
    interviewer = UserFactory(username="their_interviewer", role="interviewer")
    InvitationFactory(interviewer=interviewer, chat=ready, interviewer_feedback="Strong on caching; weak on APIs.")
    scorecard_submitted(ready, interviewer)  # the blind rule: the report shows once they scored
    ObserverNote.objects.create(chat=ready, author=interviewer, text="Hesitated on question 2.")
    return ready


def test_report_page_shows_scores_as_bars(client, ready):
    assert page(client, ready).count("<meter") == 4


def test_report_page_shows_every_question(client, ready):
    html = page(client, ready)
    assert all(question in html for question in QUESTIONS)


def test_report_page_shows_evidence(client, ready):
    evidence = ExportableReport.objects.get(chat=ready).question_responses[0]["evidence"]
    assert f"Evidence: “{evidence}”" in page(client, ready)


def test_report_page_labels_offline_scores(client, ready):
    assert "offline rubric, not AI judgement" in page(client, ready)


def test_report_page_escapes_model_text(client, ready):
    ExportableReport.objects.filter(chat=ready).update(feedback_text="<script>alert(1)</script>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page(client, ready)


def test_report_page_has_no_inline_script(client, ready):
    svc.report_request(chat=ready)
    assert "<script>" not in page(client, ready)


def test_report_page_polls_while_generating(client, ready):
    svc.report_request(chat=ready)
    assert "js/report-status.js" in page(client, ready)


def test_report_page_says_generating(client, user):
    chat = make_chat(user)
    svc.report_request(chat=chat)
    ExportableReport.objects.filter(chat=chat).update(status="generating")
    assert "Generating…" in page(client, chat)


def test_report_page_shows_failure_reason_and_regenerate(client, user):
    chat = make_chat(user)
    svc.report_request(chat=chat)
    ExportableReport.objects.filter(chat=chat).update(status="failed", error="The AI service failed (upstream).")
    html = page(client, chat)
    assert "Failed:</strong> The AI service failed (upstream)." in html and ">Regenerate</button>" in html


def test_report_page_without_report_offers_generation(client, user):
    assert "Generate report" in page(client, make_chat(user))


def test_report_page_for_unstarted_chat_offers_nothing(client, user):
    html = page(client, ChatFactory(user=user))
    assert "has not started" in html and "Generate report" not in html


def test_report_page_shows_history(client, ready):
    generate(ready)
    assert "Earlier versions" in page(client, ready)


def test_report_page_shows_notes_to_observer(client, invited):
    assert "Hesitated on question 2." in page(client, invited, invited.invitation.interviewer)


def test_report_page_hides_notes_from_candidate(client, invited):
    assert "Hesitated on question 2." not in page(client, invited)


def test_report_page_hides_unpublished_review_from_candidate(client, invited):
    assert "Strong on caching" not in page(client, invited)


def test_report_page_shows_published_review_to_candidate(client, invited):
    invited.invitation.feedback_published = True
    invited.invitation.save()
    assert "Strong on caching" in page(client, invited)


def test_report_page_shows_unpublished_review_to_observer(client, invited):
    assert "Not published" in page(client, invited, invited.invitation.interviewer)


def test_report_regenerate_sets_pending(client, ready):
    client.force_login(ready.user)
    client.post(reverse("report_regenerate", args=[ready.pk]))
    assert ExportableReport.objects.get(chat=ready).status == "pending"


def test_report_regenerate_busy_shows_message(client, ready):
    svc.report_request(chat=ready)
    client.force_login(ready.user)
    response = client.post(reverse("report_regenerate", args=[ready.pk]), follow=True)
    assert "already being generated" in response.content.decode()


def test_report_pdf_download_is_pdf(client, ready):
    client.force_login(ready.user)
    response = client.get(reverse("report_pdf", args=[ready.pk]))
    assert (response["Content-Type"], response.content[:4]) == ("application/pdf", b"%PDF")


def test_report_pdf_not_ready_redirects(client, user):
    chat = make_chat(user)
    client.force_login(user)
    assert client.get(reverse("report_pdf", args=[chat.pk])).status_code == 302


def csv_rows(client, chat) -> list[list[str]]:
    client.force_login(chat.user)
    response = client.get(reverse("report_csv", args=[chat.pk]))
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_report_csv_has_row_per_question(client, ready):
    assert [row[1] for row in csv_rows(client, ready)[1:] if row[0] != "criterion"] == list(QUESTIONS)


def test_report_csv_labels_offline_scores(client, ready):
    rows = csv_rows(client, ready)
    column = rows[0].index("scored_by")
    assert {row[column] for row in rows[1:]} == {"offline rubric, not AI judgement"}


def test_report_csv_neutralises_formulas(client, user, offline_llm):
    chat = make_chat(user, answers=('=HYPERLINK("http://evil") is how I design ' * 3, "Fine.", None))
    generate(chat)
    assert csv_rows(client, chat)[1][3].startswith("'=HYPERLINK")


def test_interview_list_links_report(client, ready):
    client.force_login(ready.user)
    assert reverse("report_detail", args=[ready.pk]) in client.get(reverse("interview_list")).content.decode()
