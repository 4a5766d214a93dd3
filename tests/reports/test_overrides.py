"""Overrides of AI scores: the service and POST /api/chats/<id>/report/overrides/ (who, bad input, versions)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from interview.core.rubric import weighted_mean
from interview.models import ExportableReport, ReportVersion, ScoreOverride
from tests.calibration.helpers import scorecard, scored_report
from tests.factories import ChatFactory, ReportFactory, UserFactory

pytestmark = pytest.mark.django_db


def post(user, report, body):
    api = APIClient()
    api.force_authenticate(user)
    return api.post(f"/api/chats/{report.chat_id}/report/overrides/", body, format="json")


def interviewer_of(report):
    return report.chat.invitation.interviewer


def test_override_question_makes_a_new_version_keeping_the_ai_value():
    report = scored_report()
    response = post(interviewer_of(report), report, {"question": 1, "score": 5, "reason": "Missed the point."})
    assert response.status_code == 201
    report.refresh_from_db()
    assert report.version == 2 and report.question_responses[0]["score"] == 5
    row = ScoreOverride.objects.get()
    assert (row.kind, row.question_number, row.ai_score, row.score, row.version) == ("question", 1, 7, 5, 2)
    assert row.by == interviewer_of(report) and row.reason == "Missed the point."
    assert ReportVersion.objects.get(report=report).question_scores == [7, 6]


def test_override_response_shows_the_label():
    report = scored_report()
    body = post(interviewer_of(report), report, {"question": 1, "score": 5, "reason": "Missed the point."}).json()
    assert body["override"]["label"] == "AI 7 → 5 (Missed the point.)"
    assert body["overrides"][0]["by"] == interviewer_of(report).username and body["version"] == 2


def test_override_criterion_recomputes_spec_and_overall_scores():
    report = scored_report()
    response = post(interviewer_of(report), report, {"criterion": "clarity", "score": 90, "reason": "Very clear."})
    assert response.status_code == 201
    report.refresh_from_db()
    assert report.clarity_score == 90
    expected = weighted_mean({"professionalism": 70, "subject_knowledge": 60, "clarity": 90}, report.criterion_scores)
    assert report.overall_score == expected == 72  # 0.25·70 + 0.45·60 + 0.30·90 = 71.5
    snapshot = ReportVersion.objects.get(report=report, version=1)
    assert snapshot.clarity_score == 50 and snapshot.criterion_scores[2]["score"] == 50


def test_second_override_keeps_the_original_ai_score():
    report = scored_report()
    post(interviewer_of(report), report, {"criterion": "clarity", "score": 90, "reason": "Very clear."})
    post(interviewer_of(report), report, {"criterion": "clarity", "score": 30, "reason": "On reflection, no."})
    report.refresh_from_db()
    assert [o.ai_score for o in ScoreOverride.objects.all()] == [50, 50]
    assert report.version == 3 and report.criterion_scores[2]["override"]["ai_score"] == 50


def test_panel_member_who_has_not_submitted_is_blind_and_may_not_override():
    report = scored_report()
    member = UserFactory(role="interviewer")
    report.chat.invitation.panel.add(member)
    response = post(member, report, {"question": 2, "score": 9, "reason": "Better than graded."})
    nothing_saved(report, response, 403, "scores_hidden")


def test_panel_member_may_override():
    report = scored_report()
    member = UserFactory(role="interviewer")
    report.chat.invitation.panel.add(member)
    scorecard(report.chat, member, {"clarity": 3, "professionalism": 3, "subject_knowledge": 3})
    assert post(member, report, {"question": 2, "score": 9, "reason": "Better than graded."}).status_code == 201


def test_admin_may_override_a_practice_interview():
    report = ReportFactory(chat=ChatFactory(), status="ready", version=1, question_responses=[{"score": 4}])
    assert post(UserFactory(role="admin"), report, {"question": 1, "score": 6, "reason": "Fair."}).status_code == 201


def test_practice_owner_may_not_override_their_own_report():
    report = ReportFactory(chat=ChatFactory(), status="ready", version=1, question_responses=[{"score": 4}])
    response = post(report.chat.user, report, {"question": 1, "score": 10, "reason": "I was great."})
    assert response.status_code == 403 and response.json()["code"] == "forbidden"


def nothing_saved(report, response, status, code):
    assert response.status_code == status, response.content
    assert response.json()["code"] == code
    report.refresh_from_db()
    assert report.version == 1 and report.question_responses[0]["score"] == 7 and report.clarity_score == 50
    assert ScoreOverride.objects.count() == 0 and ReportVersion.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"question": 1, "score": 5, "reason": ""}, "reason_required"),
        ({"question": 1, "score": 5, "reason": "   "}, "reason_required"),
        ({"question": 1, "score": 5}, "reason_required"),
        ({"criterion": "charisma", "score": 50, "reason": "x"}, "unknown_criterion"),
        ({"question": 1, "score": 11, "reason": "x"}, "score_out_of_range"),
        ({"question": 1, "score": -1, "reason": "x"}, "score_out_of_range"),
        ({"question": 1, "score": "5", "reason": "x"}, "score_out_of_range"),
        ({"question": 1, "score": 5.5, "reason": "x"}, "score_out_of_range"),
        ({"question": 3, "score": 5, "reason": "x"}, "score_out_of_range"),
        ({"question": 0, "score": 5, "reason": "x"}, "score_out_of_range"),
        ({"criterion": "clarity", "score": 101, "reason": "x"}, "score_out_of_range"),
        ({"question": 1, "criterion": "clarity", "score": 5, "reason": "x"}, "invalid"),
        ({"score": 5, "reason": "x"}, "invalid"),
    ],
)
def test_override_bad_input_saves_nothing(body, code):
    report = scored_report()
    nothing_saved(report, post(interviewer_of(report), report, body), 400, code)


def test_override_by_the_candidate_is_forbidden():
    report = scored_report()
    response = post(report.chat.user, report, {"question": 1, "score": 10, "reason": "I deserve it."})
    nothing_saved(report, response, 403, "forbidden")


def test_override_by_another_interviewer_is_not_found():
    report = scored_report()
    response = post(UserFactory(role="interviewer"), report, {"question": 1, "score": 5, "reason": "x"})
    assert response.status_code == 404 and ScoreOverride.objects.count() == 0


def test_override_without_a_ready_report_is_no_report():
    report = scored_report()
    ExportableReport.objects.filter(pk=report.pk).update(version=0, status="pending")
    response = post(interviewer_of(report), report, {"question": 1, "score": 5, "reason": "x"})
    assert response.status_code == 409 and response.json()["code"] == "no_report"
    assert ScoreOverride.objects.count() == 0


def test_override_while_regenerating_is_busy():
    report = scored_report()
    ExportableReport.objects.filter(pk=report.pk).update(status="generating")
    response = post(interviewer_of(report), report, {"question": 1, "score": 5, "reason": "x"})
    assert response.status_code == 409 and response.json()["code"] == "report_busy"
    assert ScoreOverride.objects.count() == 0


def test_override_of_a_chat_without_report_is_no_report():
    report = scored_report()
    chat = report.chat
    report.delete()
    api = APIClient()
    api.force_authenticate(chat.invitation.interviewer)
    response = api.post(f"/api/chats/{chat.pk}/report/overrides/", {"question": 1, "score": 5, "reason": "x"})
    assert response.status_code == 409 and response.json()["code"] == "no_report"


def test_override_of_an_unscored_question_says_so():
    report = scored_report()
    items = report.question_responses
    items[1]["score"] = None
    report.save()
    body = post(interviewer_of(report), report, {"question": 2, "score": 3, "reason": "Partial answer."}).json()
    assert body["override"]["ai_score"] is None and body["override"]["label"] == "AI not scored → 3 (Partial answer.)"
