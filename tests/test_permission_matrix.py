"""Who may do what, cell by cell: every hiring page, API endpoint and socket × six kinds of visitor.

The visitors: anonymous; the invited candidate; another candidate; the inviting interviewer; another
interviewer; an admin. Each cell asserts the exact outcome: a page (200, 302 onwards, or a login
redirect, 403, 404), an API status, or a socket that opens or closes with 4401/4403.

The completed interview has a panel of two co-interviewers: "panelist" (no scorecard: blind) and "scorer"
(submitted); the inviting interviewer has not submitted, so the blind rule hides the report from them.
PANEL lists every cell for the two co-interviewers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from interview.core.rubric import default_rubric
from interview.hiring import services as inv
from interview.models import AccommodationRequest, Chat, ExportableReport, UploadedResume
from tests.factories import JobListingFactory, ResumeFactory, RoleChangeRequestFactory, UserFactory
from tests.hiring.helpers import fillable_template, invitation_with_token, verified_user
from tests.scoring.helpers import scorecard_submitted
from tests.sockets.helpers import frames_until, of_type

WHO = ("anonymous", "candidate", "other_candidate", "interviewer", "other_interviewer", "admin")
LOGIN = "login"  # a redirect to the login page
ONWARD = 302  # a redirect anywhere but the login page (the action succeeded)


@dataclass
class World:
    users: dict[str, Any]
    taken: Any  # an invitation the candidate started and completed
    taken_token: str
    pending: Any  # an invitation to the candidate, open now
    pending_token: str
    role_request: Any  # a pending request by a seventh user
    template: Any  # a public template every interviewer may invite from


def build_world() -> World:
    interviewer = UserFactory(username="inviter", role="interviewer")
    candidate = verified_user("cand")
    users = {
        "anonymous": None,
        "candidate": candidate,
        "other_candidate": verified_user("other_cand"),
        "interviewer": interviewer,
        "other_interviewer": UserFactory(username="other_inviter", role="interviewer"),
        "admin": UserFactory(username="root", role="admin"),
    }
    taken, taken_token = invitation_with_token(interviewer=interviewer, email=candidate.email)
    inv.invitation_start(token=taken_token, user=candidate, now=timezone.now())
    taken.refresh_from_db()
    Chat.objects.filter(pk=taken.chat_id).update(status=Chat.COMPLETED)
    inv.invitation_complete(chat_id=taken.chat_id, now=timezone.now())
    taken.refresh_from_db()
    users["panelist"] = UserFactory(username="panelist", role="interviewer")
    users["scorer"] = UserFactory(username="scorer", role="interviewer")
    taken.panel.add(users["panelist"], users["scorer"])
    scorecard_submitted(taken.chat, users["scorer"])
    pending, pending_token = invitation_with_token(interviewer=interviewer, email=candidate.email)
    return World(
        users=users,
        taken=taken,
        taken_token=taken_token,
        pending=pending,
        pending_token=pending_token,
        role_request=RoleChangeRequestFactory(user=UserFactory(username="requester")),
        template=fillable_template(interviewer, is_public=True),
    )


# --- Pages ------------------------------------------------------------------------------------------


def _ready_report(w: World, payload: dict[str, Any]) -> dict[str, Any]:
    """Give the taken interview a ready report with one scored question, and return the override payload."""
    ExportableReport.objects.update_or_create(
        chat_id=w.taken.chat_id, defaults={"status": "ready", "version": 1, "question_responses": [{"score": 4}]}
    )
    return payload


def _fit_url(w: World) -> str:
    """The fit partial for a resume and a job listing of the candidate's own (issue 21): the owner's documents only."""
    candidate = w.users["candidate"]
    resume, listing = ResumeFactory(user=candidate), JobListingFactory(user=candidate)
    return reverse("interview_fit") + f"?resume={resume.pk}&job_listing={listing.pk}"


def _resume(w: World) -> UploadedResume:
    """The candidate's parsed resume, attached to the taken interview (so those who may observe it may read it)."""
    resume = UploadedResume.objects.filter(user=w.users["candidate"]).first()
    if resume is None:
        resume = ResumeFactory(user=w.users["candidate"], parsing_status="success", parsed_by="m", skills=["Python"])
    Chat.objects.filter(pk=w.taken.chat_id).update(resume=resume)
    return resume


def _extra_time_asked(w: World, payload: dict[str, Any]) -> dict[str, Any]:
    """Give the pending invitation the candidate's request for extra time (issue 22), and return the payload."""
    AccommodationRequest.objects.get_or_create(invitation=w.pending, defaults={"requested_multiplier": "1.50"})
    return payload


# name → (method, url builder, data builder or None, expected per visitor in WHO order)
PAGES: dict[str, tuple[str, Any, Any, tuple[Any, ...]]] = {
    "invitation_dashboard": ("get", lambda w: reverse("invitation_dashboard"), None, (LOGIN, 403, 403, 200, 200, 200)),
    "invitation_create": ("get", lambda w: reverse("invitation_create"), None, (LOGIN, 403, 403, 200, 200, 200)),
    "invitation_review": (
        "get",
        lambda w: reverse("invitation_review", args=[w.taken.pk]),
        None,
        (LOGIN, 403, 403, 200, 404, 200),
    ),
    "invitation_review_post": (
        "post",
        lambda w: reverse("invitation_review", args=[w.taken.pk]),
        lambda w: {"feedback": "Good", "action": "publish"},
        (LOGIN, 403, 403, ONWARD, 404, ONWARD),
    ),
    "invitation_resend": (
        "post",
        lambda w: reverse("invitation_resend", args=[w.pending.pk]),
        None,
        (LOGIN, 403, 403, ONWARD, 404, ONWARD),
    ),
    "invitation_result": (
        "get",
        lambda w: reverse("invitation_result", args=[w.taken.pk]),
        None,
        (LOGIN, 200, 404, 404, 404, 404),
    ),
    "invitation_join": (
        "get",
        lambda w: reverse("invitation_join", args=[w.pending_token]),
        None,
        (LOGIN, 200, 403, 403, 403, 403),
    ),
    "invitation_start": (
        "post",
        lambda w: reverse("invitation_start", args=[w.pending_token]),
        None,
        (LOGIN, ONWARD, 403, 403, 403, 403),
    ),
    "interview_live": (
        "get",
        lambda w: reverse("interview_live", args=[w.taken.chat_id]),
        None,
        (LOGIN, 200, 404, 404, 404, 404),
    ),
    "interview_observe": (
        "get",
        lambda w: reverse("interview_observe", args=[w.taken.chat_id]),
        None,
        (LOGIN, 404, 404, 200, 404, 200),
    ),
    "report_regenerate": (
        "post",
        lambda w: reverse("report_regenerate", args=[w.taken.chat_id]),
        None,
        (LOGIN, 403, 404, 403, 404, ONWARD),  # the inviting interviewer has not scored yet: scores_hidden
    ),
    "report_detail": (
        "get",
        lambda w: reverse("report_detail", args=[w.taken.chat_id]),
        None,
        (LOGIN, 200, 404, 403, 404, 200),
    ),
    "report_pdf": (
        "get",
        lambda w: reverse("report_pdf", args=[w.taken.chat_id]),
        None,
        (LOGIN, ONWARD, 404, 403, 404, ONWARD),
    ),
    "report_csv": (
        "get",
        lambda w: reverse("report_csv", args=[w.taken.chat_id]),
        None,
        (LOGIN, ONWARD, 404, 403, 404, ONWARD),
    ),
    "scorecard_page": (
        "get",
        lambda w: reverse("scorecard_page", args=[w.taken.chat_id]),
        None,
        (LOGIN, 403, 404, 200, 404, 200),
    ),
    "scorecard_page_post": (
        "post",
        lambda w: reverse("scorecard_page", args=[w.taken.chat_id]),
        lambda w: {"action": "save", "score_clarity": "3"},
        (LOGIN, 403, 404, ONWARD, 404, ONWARD),
    ),
    "report_override": (
        "post",
        lambda w: reverse("report_override", args=[w.taken.chat_id]),
        lambda w: _ready_report(w, {"target": "q:1", "score": "6", "reason": "Fair."}),
        (LOGIN, 403, 404, ONWARD, 404, ONWARD),
    ),
    "calibration": ("get", lambda w: reverse("calibration"), None, (LOGIN, 403, 403, 200, 200, 200)),
    # The fairness check's live preview (issue 21): interviewers and admins; nothing is saved.
    "fairness_check": (
        "post",
        lambda w: reverse("fairness_check"),
        lambda w: {"fairness_field": "text", "text": "too old"},
        (LOGIN, 403, 403, 200, 200, 200),
    ),
    "invitation_panel": (
        "post",
        lambda w: reverse("invitation_panel", args=[w.taken.pk]),
        lambda w: {"panel": "panelist"},
        (LOGIN, 403, 403, ONWARD, 404, ONWARD),
    ),
    "invitation_decision": (
        "post",
        lambda w: reverse("invitation_decision", args=[w.taken.pk]),
        lambda w: {"decision": "hold", "reason": "Waiting for the second interview."},
        (LOGIN, 403, 403, ONWARD, 404, ONWARD),
    ),
    # Extra time (issue 22): the invited candidate asks from the join page; the inviting interviewer decides.
    "accommodation_request": (
        "post",
        lambda w: reverse("accommodation_request", args=[w.pending_token]),
        lambda w: {"multiplier": "1.50"},
        (LOGIN, ONWARD, 403, 403, 403, 403),
    ),
    "accommodation_decision": (
        "post",
        lambda w: reverse("accommodation_decision", args=[w.pending.pk]),
        lambda w: _extra_time_asked(w, {"decision": "grant"}),
        (LOGIN, 403, 403, ONWARD, 404, ONWARD),
    ),
    "role_request": ("get", lambda w: reverse("role_request"), None, (LOGIN, 200, 200, 403, 403, 403)),
    "role_request_admin": ("get", lambda w: reverse("role_request_admin"), None, (LOGIN, 403, 403, 403, 403, 200)),
    "role_request_decision": (
        "post",
        lambda w: reverse("role_request_decision", args=[w.role_request.pk]),
        lambda w: {"decision": "approved"},
        (LOGIN, 403, 403, 403, 403, ONWARD),
    ),
    "candidate_search": (
        "get",
        lambda w: reverse("candidate_search") + "?q=cand",
        None,
        (LOGIN, 403, 403, 200, 200, 200),
    ),
    "candidate_profile": (
        "get",
        lambda w: reverse("candidate_profile", args=[w.users["candidate"].pk]),
        None,
        (LOGIN, 403, 403, 200, 200, 200),
    ),
    "email_verify": ("get", lambda w: reverse("email_verify"), None, (LOGIN, 200, 200, 200, 200, 200)),
    # Everyone sees their own account's audit events, nobody else's (tests/audit/test_activity_page.py).
    "account_activity": ("get", lambda w: reverse("account_activity"), None, (LOGIN, 200, 200, 200, 200, 200)),
    # Personal data (issue 20): everyone their own; a link not theirs (here: no such token) is a 404; an
    # erasure with a wrong password is refused with 400 and changes nothing (tests/privacy/).
    "privacy_account_data": ("get", lambda w: reverse("privacy_account_data"), None, (LOGIN, 200, 200, 200, 200, 200)),
    "privacy_account_delete": (
        "get",
        lambda w: reverse("privacy_account_delete"),
        None,
        (LOGIN, 200, 200, 200, 200, 200),
    ),
    "privacy_account_delete_post": (
        "post",
        lambda w: reverse("privacy_account_delete"),
        lambda w: {"password": "not-the-password"},
        (LOGIN, 400, 400, 400, 400, 400),
    ),
    "privacy_export_download": (
        "get",
        lambda w: reverse("privacy_export_download", args=["no-such-token"]),
        None,
        (LOGIN, 404, 404, 404, 404, 404),
    ),
    # Sign-in (django-allauth, issue 19). A page that needs a recent password (adding a second factor,
    # recovery codes) sends a force-logged-in visitor to re-enter it: ONWARD.
    "login": ("get", lambda w: reverse("login"), None, (200, ONWARD, ONWARD, ONWARD, ONWARD, ONWARD)),
    "register": ("get", lambda w: reverse("register"), None, (200, ONWARD, ONWARD, ONWARD, ONWARD, ONWARD)),
    "logout": ("get", lambda w: reverse("logout"), None, (ONWARD, 200, 200, 200, 200, 200)),
    "password_change": ("get", lambda w: reverse("password_change"), None, (ONWARD,) * 6),
    "account_change_password": (
        "get",
        lambda w: reverse("account_change_password"),
        None,
        (LOGIN, 200, 200, 200, 200, 200),
    ),
    "account_reset_password": ("get", lambda w: reverse("account_reset_password"), None, (200,) * 6),
    "account_email": ("get", lambda w: reverse("account_email"), None, (LOGIN, 200, 200, 200, 200, 200)),
    "account_reauthenticate": (
        "get",
        lambda w: reverse("account_reauthenticate"),
        None,
        (LOGIN, 200, 200, 200, 200, 200),
    ),
    "socialaccount_connections": (
        "get",
        lambda w: reverse("socialaccount_connections"),
        None,
        (LOGIN, 200, 200, 200, 200, 200),
    ),
    "openid_connect_login_unknown": ("get", lambda w: "/accounts/oidc/nobody/login/", None, (404,) * 6),
    "mfa_index": ("get", lambda w: reverse("mfa_index"), None, (LOGIN, 200, 200, 200, 200, 200)),
    "mfa_activate_totp": (
        "get",
        lambda w: reverse("mfa_activate_totp"),
        None,
        (LOGIN, ONWARD, ONWARD, ONWARD, ONWARD, ONWARD),
    ),
    "mfa_view_recovery_codes": (
        "get",
        lambda w: reverse("mfa_view_recovery_codes"),
        None,
        (LOGIN, 404, 404, 404, 404, 404),  # nobody here has recovery codes yet
    ),
    # The second step of a login in progress: nothing pending sends anonymous visitors to log in, others on.
    "mfa_authenticate": (
        "get",
        lambda w: reverse("mfa_authenticate"),
        None,
        (LOGIN, ONWARD, ONWARD, ONWARD, ONWARD, ONWARD),
    ),
    "admin_login": ("get", lambda w: "/admin/login/", None, (LOGIN,) * 6),
    # Consent to the model (issue 20): everyone signed in answers for themselves (offline here: nothing to agree).
    "account_consent": ("get", lambda w: reverse("account_consent"), None, (LOGIN, 200, 200, 200, 200, 200)),
    "account_consent_post": (
        "post",
        lambda w: reverse("account_consent"),
        lambda w: {"agreed": "yes"},
        (LOGIN, 200, 200, 200, 200, 200),  # offline: refused on the page itself ("nothing to agree to")
    ),
    # The fit of a resume and a job listing (issue 21): only for the owner of both; anyone else a 404.
    "interview_fit": ("get", _fit_url, None, (LOGIN, 200, 404, 404, 404, 404)),
    # Resume parsing (issue 21): readers of the resume see the parsed fields; only the owner edits or re-parses.
    "resume_detail": (
        "get",
        lambda w: reverse("resume_detail", args=[_resume(w).pk]),
        None,
        (LOGIN, 200, 404, 200, 404, 200),
    ),
    "resume_status": (
        "get",
        lambda w: reverse("resume_status", args=[_resume(w).pk]),
        None,
        (LOGIN, 200, 404, 200, 404, 200),
    ),
    "resume_parsed_edit": (
        "post",
        lambda w: reverse("resume_parsed_edit", args=[_resume(w).pk]),
        lambda w: {"summary": "", "skills": "Go", "experience": "", "education": ""},
        (LOGIN, ONWARD, 404, 404, 404, 404),
    ),
    "resume_reparse": (
        "post",
        lambda w: reverse("resume_reparse", args=[_resume(w).pk]),
        None,
        (LOGIN, ONWARD, 404, 404, 404, 404),
    ),
}

PAGE_CELLS = [
    pytest.param(name, who, spec[3][i], id=f"{name}-{who}") for name, spec in PAGES.items() for i, who in enumerate(WHO)
]


def outcome(response: Any) -> Any:
    if response.status_code == 302:
        return LOGIN if response.url.startswith(reverse("login")) else ONWARD
    return response.status_code


@pytest.mark.django_db
@pytest.mark.usefixtures("offline_llm")
@pytest.mark.parametrize(("page", "who", "expected"), PAGE_CELLS)
def test_page_access(page, who, expected):
    world = build_world()
    method, url, data, _ = PAGES[page]
    client = Client()
    if world.users[who] is not None:
        client.force_login(world.users[who])
    response = getattr(client, method)(url(world), data(world) if data else {})
    assert outcome(response) == expected


# --- API --------------------------------------------------------------------------------------------


def _create_payload(w: World) -> dict[str, Any]:
    scheduled = (timezone.now() + timedelta(days=1)).isoformat()
    return {
        "candidate_email": "new@example.com",
        "template": w.template.pk,
        "scheduled_time": scheduled,
        "duration_minutes": 30,
    }


APIS: dict[str, tuple[str, Any, Any, tuple[int, ...]]] = {
    # Your own consent to the model (issue 20); offline here, so agreeing is refused: 400 invalid.
    "me_consent": ("get", lambda w: "/api/me/consent/", None, (401, 200, 200, 200, 200, 200)),
    "me_consent_post": (
        "post",
        lambda w: "/api/me/consent/",
        lambda w: {"agreed": True},
        (401, 400, 400, 400, 400, 400),
    ),
    "auth_token_revoke": ("post", lambda w: "/api/auth/token/revoke/", None, (401, 204, 204, 204, 204, 204)),
    # Anyone may try credentials; wrong ones are a 400 (and count towards the lockout, tests/accounts).
    "auth_token_create": (
        "post",
        lambda w: "/api/auth/token/",
        lambda w: {"username": "nobody", "password": "wrong"},
        (400,) * 6,
    ),
    "invitations_list": ("get", lambda w: "/api/invitations/", None, (401, 200, 200, 200, 200, 200)),
    "invitations_create": ("post", lambda w: "/api/invitations/", _create_payload, (401, 403, 403, 201, 201, 201)),
    "invitations_retrieve": (
        "get",
        lambda w: f"/api/invitations/{w.taken.pk}/",
        None,
        (401, 200, 404, 200, 404, 200),
    ),
    "invitations_review": (
        "post",
        lambda w: f"/api/invitations/{w.taken.pk}/review/",
        lambda w: {"feedback": "Good"},
        (401, 403, 403, 200, 404, 200),
    ),
    "invitations_resend": (
        "post",
        lambda w: f"/api/invitations/{w.pending.pk}/resend/",
        None,
        (401, 403, 403, 200, 404, 200),
    ),
    "invitations_start": (
        "post",
        lambda w: "/api/invitations/start/",
        lambda w: {"token": w.pending_token},
        (401, 200, 403, 403, 403, 403),
    ),
    "chats_retrieve": (
        "get",
        lambda w: f"/api/chats/{w.taken.chat_id}/",
        None,
        (401, 200, 404, 200, 404, 200),
    ),
    "chats_destroy": (
        "delete",
        lambda w: f"/api/chats/{w.taken.chat_id}/",
        None,
        (401, 403, 404, 403, 404, 403),
    ),
    "report_regenerate": (
        "post",
        lambda w: f"/api/chats/{w.taken.chat_id}/report/regenerate/",
        None,
        (401, 403, 404, 403, 404, 202),  # the inviting interviewer has not scored yet: scores_hidden
    ),
    "report": ("get", lambda w: f"/api/chats/{w.taken.chat_id}/report/", None, (401, 200, 404, 403, 404, 200)),
    "report_pdf": ("get", lambda w: f"/api/chats/{w.taken.chat_id}/report.pdf", None, (401, 409, 404, 403, 404, 409)),
    "report_csv": ("get", lambda w: f"/api/chats/{w.taken.chat_id}/report.csv", None, (401, 409, 404, 403, 404, 409)),
    "scorecards_list": (
        "get",
        lambda w: f"/api/chats/{w.taken.chat_id}/scorecards/",
        None,
        (401, 403, 404, 200, 404, 200),
    ),
    "scorecards_save": (
        "post",
        lambda w: f"/api/chats/{w.taken.chat_id}/scorecards/",
        lambda w: {"scores": {"clarity": 3}},
        (401, 403, 404, 200, 404, 200),
    ),
    "scorecard_detail": (
        "get",
        lambda w: f"/api/chats/{w.taken.chat_id}/scorecards/{w.users['scorer'].pk}/",
        None,
        (401, 403, 404, 403, 404, 200),  # the inviting interviewer is blind until they submit
    ),
    "scorecard_reopen": (
        "post",
        lambda w: f"/api/chats/{w.taken.chat_id}/scorecards/{w.users['scorer'].pk}/reopen/",
        None,
        (401, 403, 404, 403, 404, 200),
    ),
    "invitations_panel": (
        "post",
        lambda w: f"/api/invitations/{w.taken.pk}/panel/",
        lambda w: {"panel": ["panelist"]},
        (401, 403, 403, 200, 404, 200),
    ),
    "invitations_decision": (
        "post",
        lambda w: f"/api/invitations/{w.taken.pk}/decision/",
        lambda w: {"decision": "advance", "reason": "Strong on every criterion."},
        (401, 403, 403, 200, 404, 200),
    ),
    "report_overrides": (
        "post",
        lambda w: f"/api/chats/{w.taken.chat_id}/report/overrides/",
        lambda w: _ready_report(w, {"question": 1, "score": 6, "reason": "Fair."}),
        (401, 403, 404, 403, 404, 201),  # the inviting interviewer is blind (no scorecard),
    ),
    "invitations_accommodation_request": (
        "post",
        lambda w: "/api/invitations/accommodation/",
        lambda w: {"token": w.pending_token, "multiplier": 1.5},
        (401, 201, 403, 403, 403, 403),
    ),
    "invitations_accommodation_decision": (
        "post",
        lambda w: f"/api/invitations/{w.pending.pk}/accommodation/decision/",
        lambda w: _extra_time_asked(w, {"decision": "grant"}),
        (401, 403, 403, 200, 404, 200),
    ),
    "calibration": ("get", lambda w: "/api/calibration/", None, (401, 403, 403, 200, 200, 200)),
    "fairness_check_get": ("get", lambda w: "/api/fairness/check/?text=too+old", None, (401, 403, 403, 200, 200, 200)),
    "fairness_check_post": (
        "post",
        lambda w: "/api/fairness/check/",
        lambda w: {"text": "too old"},
        (401, 403, 403, 200, 200, 200),
    ),
    "templates_partial_update_rubric": (
        "patch",
        lambda w: f"/api/templates/{w.template.pk}/",
        lambda w: {"rubric": default_rubric()},
        (401, 403, 403, 200, 403, 200),
    ),
    "role_requests_list": ("get", lambda w: "/api/role-requests/", None, (401, 200, 200, 200, 200, 200)),
    "role_requests_create": ("post", lambda w: "/api/role-requests/", lambda w: {}, (401, 201, 201, 403, 403, 403)),
    "role_requests_retrieve": (
        "get",
        lambda w: f"/api/role-requests/{w.role_request.pk}/",
        None,
        (401, 404, 404, 404, 404, 200),
    ),
    "role_requests_approve": (
        "post",
        lambda w: f"/api/role-requests/{w.role_request.pk}/approve/",
        None,
        (401, 403, 403, 403, 403, 200),
    ),
    "role_requests_reject": (
        "post",
        lambda w: f"/api/role-requests/{w.role_request.pk}/reject/",
        None,
        (401, 403, 403, 403, 403, 200),
    ),
    # Personal data (issue 20): each caller's own export and account.
    "me_export_status": ("get", lambda w: "/api/me/export/", None, (401, 200, 200, 200, 200, 200)),
    "me_export_create": ("post", lambda w: "/api/me/export/", None, (401, 202, 202, 202, 202, 202)),
    "me_destroy_wrong_password": (
        "delete",
        lambda w: "/api/me/",
        lambda w: {"password": "not-the-password"},
        (401, 400, 400, 400, 400, 400),
    ),
    # Resume parsing (issue 21): a reader who is not the owner gets 403, anyone else 404.
    "resumes_partial_update": (
        "patch",
        lambda w: f"/api/resumes/{_resume(w).pk}/",
        lambda w: {"skills": ["Go"]},
        (401, 200, 404, 403, 404, 403),
    ),
    "resumes_reparse": (
        "post",
        lambda w: f"/api/resumes/{_resume(w).pk}/reparse/",
        None,
        (401, 202, 404, 403, 404, 403),
    ),
    # Quotas (issue 20): each caller's own daily budget.
    "me_quota": ("get", lambda w: "/api/me/quota/", None, (401, 200, 200, 200, 200, 200)),
}

API_CELLS = [
    pytest.param(name, who, spec[3][i], id=f"{name}-{who}") for name, spec in APIS.items() for i, who in enumerate(WHO)
]


@pytest.mark.django_db
@pytest.mark.usefixtures("offline_llm")
@pytest.mark.parametrize(("endpoint", "who", "expected"), API_CELLS)
def test_api_access(endpoint, who, expected):
    world = build_world()
    method, url, data, _ = APIS[endpoint]
    api = APIClient()
    if world.users[who] is not None:
        api.force_authenticate(world.users[who])
    response = getattr(api, method)(url(world), data(world) if data else {}, format="json")
    assert response.status_code == expected


# --- Sockets ----------------------------------------------------------------------------------------

OK = "open"
SOCKETS = {
    "observe": ("/ws/observe/{}/", (4401, 4403, 4403, OK, 4403, OK)),
    "interview": ("/ws/interview/{}/", (4401, OK, 4403, 4403, 4403, 4403)),
}
SOCKET_CELLS = [
    pytest.param(name, who, spec[1][i], id=f"{name}-{who}")
    for name, spec in SOCKETS.items()
    for i, who in enumerate(WHO)
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("offline_llm")
@pytest.mark.parametrize(("socket", "who", "expected"), SOCKET_CELLS)
async def test_socket_access(close_code, connect, socket, who, expected):
    world = await database_sync_to_async(build_world)()
    path = SOCKETS[socket][0].format(world.taken.chat_id)
    user = world.users[who] or AnonymousUser()
    if expected == OK:
        communicator, snapshot = await connect(path, user)
        await communicator.disconnect()
        assert snapshot["type"] == "session.snapshot"
    else:
        assert await close_code(path, user) == expected


# --- Frames -----------------------------------------------------------------------------------------
# Each role that may open a socket of the chat sends each steering frame: the candidate's socket refuses
# it (`forbidden`); an observer's socket hands it to the service, which answers for the chat's state
# (the world's chat has finished: `completed`, or `not_paused` for a resume).

STEERING = {
    "observer.probe": {"type": "observer.probe", "content": "Why?"},
    "question.skip": {"type": "question.skip"},
    "interview.pause": {"type": "interview.pause"},
    "interview.resume": {"type": "interview.resume"},
}
FRAME_SOCKETS = {"candidate": "/ws/interview/{}/", "interviewer": "/ws/observe/{}/", "admin": "/ws/observe/{}/"}
FRAME_CELLS = [
    pytest.param(
        kind,
        who,
        "forbidden" if who == "candidate" else ("not_paused" if kind == "interview.resume" else "completed"),
        id=f"{kind}-{who}",
    )
    for kind in STEERING
    for who in FRAME_SOCKETS
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("offline_llm")
@pytest.mark.parametrize(("kind", "who", "expected"), FRAME_CELLS)
async def test_socket_frame_access(connect, kind, who, expected):
    world = await database_sync_to_async(build_world)()
    communicator, _ = await connect(FRAME_SOCKETS[who].format(world.taken.chat_id), world.users[who])
    await communicator.send_json_to(STEERING[kind])
    frame = (await frames_until(communicator, of_type("error")))[-1]  # presence frames may come first
    await communicator.disconnect()
    assert frame["code"] == expected


# --- The panel's co-interviewers --------------------------------------------------------------------
# Every page, API route and socket above for the two co-interviewers: (panelist, scorer). The panelist has
# not submitted a scorecard (blind: no report, no one else's scorecard); the scorer has.

PANEL = {
    "invitation_dashboard": (200, 200),
    "invitation_create": (200, 200),
    "invitation_review": (200, 200),
    "invitation_review_post": (403, 403),
    "invitation_resend": (404, 404),
    "invitation_result": (404, 404),
    "invitation_join": (403, 403),
    "invitation_start": (403, 403),
    "interview_live": (404, 404),
    "interview_observe": (200, 200),
    "report_regenerate": (403, 403),
    "report_detail": (403, 200),
    "report_pdf": (403, ONWARD),
    "report_csv": (403, ONWARD),
    "scorecard_page": (200, 200),
    "report_override": (ONWARD, ONWARD),  # the panelist: refused (blind), said on the report page
    "calibration": (200, 200),
    "fairness_check": (200, 200),
    "account_activity": (200, 200),
    "login": (ONWARD, ONWARD),
    "register": (ONWARD, ONWARD),
    "logout": (200, 200),
    "password_change": (ONWARD, ONWARD),
    "account_change_password": (200, 200),
    "account_reset_password": (200, 200),
    "account_email": (200, 200),
    "account_reauthenticate": (200, 200),
    "socialaccount_connections": (200, 200),
    "openid_connect_login_unknown": (404, 404),
    "mfa_index": (200, 200),
    "mfa_activate_totp": (ONWARD, ONWARD),
    "mfa_view_recovery_codes": (404, 404),
    "mfa_authenticate": (ONWARD, ONWARD),
    "admin_login": (LOGIN, LOGIN),
    "scorecard_page_post": (ONWARD, ONWARD),  # the scorer: refused (already submitted), said on the page
    "invitation_panel": (404, 404),
    "invitation_decision": (404, 404),
    "accommodation_request": (403, 403),
    "accommodation_decision": (404, 404),
    "role_request": (403, 403),
    "role_request_admin": (403, 403),
    "role_request_decision": (403, 403),
    "candidate_search": (200, 200),
    "candidate_profile": (200, 200),
    "email_verify": (200, 200),
    "privacy_account_data": (200, 200),
    "privacy_account_delete": (200, 200),
    "privacy_account_delete_post": (400, 400),
    "privacy_export_download": (404, 404),
    "account_consent": (200, 200),
    "account_consent_post": (200, 200),
    "interview_fit": (404, 404),
    "resume_detail": (200, 200),
    "resume_status": (200, 200),
    "resume_parsed_edit": (404, 404),
    "resume_reparse": (404, 404),
}
PANEL_API = {
    "auth_token_revoke": (204, 204),
    "invitations_list": (200, 200),
    "invitations_create": (201, 201),
    "invitations_retrieve": (200, 200),
    "invitations_review": (404, 404),
    "invitations_resend": (404, 404),
    "invitations_start": (403, 403),
    "chats_retrieve": (200, 200),
    "chats_destroy": (403, 403),
    "report_regenerate": (403, 403),
    "report": (403, 200),
    "report_pdf": (403, 409),
    "report_csv": (403, 409),
    "scorecards_list": (200, 200),
    "report_overrides": (403, 201),
    "auth_token_create": (400, 400),
    "calibration": (200, 200),
    "fairness_check_get": (200, 200),
    "fairness_check_post": (200, 200),
    "templates_partial_update_rubric": (403, 403),
    "scorecards_save": (200, 409),
    "scorecard_detail": (403, 200),
    "scorecard_reopen": (403, 403),
    "invitations_panel": (404, 404),
    "invitations_decision": (404, 404),
    "invitations_accommodation_request": (403, 403),
    "invitations_accommodation_decision": (404, 404),
    "role_requests_list": (200, 200),
    "role_requests_create": (403, 403),
    "role_requests_retrieve": (404, 404),
    "role_requests_approve": (403, 403),
    "role_requests_reject": (403, 403),
    "me_export_status": (200, 200),
    "me_export_create": (202, 202),
    "me_destroy_wrong_password": (400, 400),
    "me_consent": (200, 200),
    "me_consent_post": (400, 400),
    "resumes_partial_update": (403, 403),
    "resumes_reparse": (403, 403),
    "me_quota": (200, 200),
}
PANEL_SOCKETS = {"observe": (OK, OK), "interview": (4403, 4403)}
PANELISTS = ("panelist", "scorer")


def test_panel_matrix_covers_every_entry():
    assert (set(PANEL), set(PANEL_API), set(PANEL_SOCKETS)) == (set(PAGES), set(APIS), set(SOCKETS))


@pytest.mark.django_db
@pytest.mark.usefixtures("offline_llm")
@pytest.mark.parametrize(
    ("page", "who", "expected"),
    [pytest.param(n, w, e[i], id=f"{n}-{w}") for n, e in PANEL.items() for i, w in enumerate(PANELISTS)],
)
def test_panel_page_access(page, who, expected):
    world = build_world()
    method, url, data, _ = PAGES[page]
    client = Client()
    client.force_login(world.users[who])
    response = getattr(client, method)(url(world), data(world) if data else {})
    assert outcome(response) == expected


@pytest.mark.django_db
@pytest.mark.usefixtures("offline_llm")
@pytest.mark.parametrize(
    ("endpoint", "who", "expected"),
    [pytest.param(n, w, e[i], id=f"{n}-{w}") for n, e in PANEL_API.items() for i, w in enumerate(PANELISTS)],
)
def test_panel_api_access(endpoint, who, expected):
    world = build_world()
    method, url, data, _ = APIS[endpoint]
    api = APIClient()
    api.force_authenticate(world.users[who])
    response = getattr(api, method)(url(world), data(world) if data else {}, format="json")
    assert response.status_code == expected


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("offline_llm")
@pytest.mark.parametrize(
    ("socket", "who", "expected"),
    [pytest.param(n, w, e[i], id=f"{n}-{w}") for n, e in PANEL_SOCKETS.items() for i, w in enumerate(PANELISTS)],
)
async def test_panel_socket_access(close_code, connect, socket, who, expected):
    world = await database_sync_to_async(build_world)()
    path = SOCKETS[socket][0].format(world.taken.chat_id)
    if expected == OK:
        communicator, snapshot = await connect(path, world.users[who])
        await communicator.disconnect()
        assert snapshot["type"] == "session.snapshot"
    else:
        assert await close_code(path, world.users[who]) == expected
