"""The report API's shapes: JSON report, status before generation, regeneration, PDF and CSV exports."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from interview.models import ExportableReport, ObserverNote
from interview.reports import services as svc
from tests.factories import ChatFactory, InvitationFactory, UserFactory
from tests.reports.helpers import generate, make_chat
from tests.scoring.helpers import scorecard_submitted

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def ready(user, offline_llm):
    chat = make_chat(user)
    generate(chat)
    return chat


def test_report_api_path_is_under_chats(ready):
    assert reverse("api-report", args=[ready.pk]) == f"/api/chats/{ready.pk}/report/"


def test_report_api_returns_scores(ready):
    data = api(ready.user).get(f"/api/chats/{ready.pk}/report/").json()
    report = ExportableReport.objects.get(chat=ready)
    assert data["scores"] == {
        "professionalism": report.professionalism_score,
        "subject_knowledge": report.subject_knowledge_score,
        "clarity": report.clarity_score,
        "overall": report.overall_score,
    }


def test_report_api_labels_offline(ready):
    data = api(ready.user).get(f"/api/chats/{ready.pk}/report/").json()
    assert (data["is_offline"], data["scored_by"]) == (True, "offline rubric, not AI judgement")


def test_report_api_lists_question_responses(ready):
    data = api(ready.user).get(f"/api/chats/{ready.pk}/report/").json()
    assert set(data["question_responses"][0]) >= {"question", "answer", "score", "feedback", "evidence"}


def test_report_api_links_exports(ready):
    urls = api(ready.user).get(f"/api/chats/{ready.pk}/report/").json()["urls"]
    assert urls["pdf"].endswith(f"/api/chats/{ready.pk}/report.pdf")


def test_report_api_before_any_request_says_none(user):
    data = api(user).get(f"/api/chats/{make_chat(user).pk}/report/").json()
    assert (data["status"], "scores" in data) == ("none", False)


def test_report_api_shows_history(ready):
    generate(ready)
    assert [v["version"] for v in api(ready.user).get(f"/api/chats/{ready.pk}/report/").json()["history"]] == [1]


def test_report_api_hides_notes_from_candidate(ready):
    InvitationFactory(chat=ready)
    ObserverNote.objects.create(chat=ready, text="private")
    assert "observer_notes" not in api(ready.user).get(f"/api/chats/{ready.pk}/report/").json()


def test_report_api_shows_notes_to_observer(ready):
    interviewer = UserFactory(username="their_interviewer", role="interviewer")
    InvitationFactory(chat=ready, interviewer=interviewer)
    scorecard_submitted(ready, interviewer)  # the blind rule: the report shows once they scored
    ObserverNote.objects.create(chat=ready, author=interviewer, text="private")
    notes = api(interviewer).get(f"/api/chats/{ready.pk}/report/").json()["observer_notes"]
    assert [n["text"] for n in notes] == ["private"]


def test_report_api_regenerate_queues(ready):
    response = api(ready.user).post(f"/api/chats/{ready.pk}/report/regenerate/")
    assert (response.status_code, response.json()["status"]) == (202, "pending")


def test_report_api_regenerate_busy_is_409(ready):
    svc.report_request(chat=ready)
    response = api(ready.user).post(f"/api/chats/{ready.pk}/report/regenerate/")
    assert (response.status_code, response.json()["code"]) == (409, "report_busy")


def test_report_api_regenerate_unstarted_is_409(user):
    assert api(user).post(f"/api/chats/{ChatFactory(user=user).pk}/report/regenerate/").status_code == 409


def test_report_api_pdf_is_pdf(ready):
    response = api(ready.user).get(f"/api/chats/{ready.pk}/report.pdf")
    assert (response["Content-Type"], response.content[:4]) == ("application/pdf", b"%PDF")


def test_report_api_pdf_honours_accept_header(ready):
    response = api(ready.user).get(f"/api/chats/{ready.pk}/report.pdf", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200


def test_report_api_pdf_not_ready_is_409(user):
    assert api(user).get(f"/api/chats/{make_chat(user).pk}/report.pdf").status_code == 409


def test_report_api_csv_is_csv(ready):
    response = api(ready.user).get(f"/api/chats/{ready.pk}/report.csv")
    assert response["Content-Type"].startswith("text/csv") and b"score_out_of_10" in response.content


def test_report_api_csv_not_ready_is_409(user):
    assert api(user).get(f"/api/chats/{make_chat(user).pk}/report.csv").status_code == 409
