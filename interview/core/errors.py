"""The one exception services raise for refusals a user should read, and every code it carries."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    """Every refusal's code, declared once: clients branch on these values (docs/protocol.md, the API).

    A member is a `str` equal to its value, so it is sent, compared and stored as the plain code.
    """

    # Shared
    INVALID = "invalid"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    # The live interview (error frames, docs/protocol.md)
    BUSY = "busy"
    NOT_STARTED = "not_started"
    TIME_EXPIRED = "time_expired"
    COMPLETED = "completed"
    NOTHING_TO_RETRY = "nothing_to_retry"
    INTERRUPTED = "interrupted"
    UPSTREAM = "upstream"
    RATE_LIMITED = "rate_limited"
    PAUSED = "paused"
    NOT_PAUSED = "not_paused"
    PROBE_LIMIT = "probe_limit"
    # Interviews
    INVITED_INTERVIEW = "invited_interview"
    # Documents (extraction failures carry the codes of interview/extraction/errors.py)
    CONTENT_REQUIRED = "content_required"
    TITLE_REQUIRED = "title_required"
    TITLE_TOO_LONG = "title_too_long"
    TOO_MUCH_TEXT = "too_much_text"
    UPLOAD_RATE_LIMITED = "upload_rate_limited"
    PARSING_BUSY = "parsing_busy"
    CONFIRM_REQUIRED = "confirm_required"  # a re-parse would overwrite the owner's edits (issue 21)
    # Setup
    SAME_TAG = "same_tag"
    TAG_EXISTS = "tag_exists"
    # Hiring
    NOT_PENDING = "not_pending"
    WINDOW_CLOSED = "window_closed"
    ALREADY_USED = "already_used"
    TOO_EARLY = "too_early"
    TEMPLATE_UNAVAILABLE = "template_unavailable"
    ALREADY_REVIEWED = "already_reviewed"
    NOT_COMPLETED = "not_completed"
    LOGIN = "login"
    TAKEN = "taken"
    WRONG_EMAIL = "wrong_email"
    UNVERIFIED = "unverified"
    # Accommodations (issue 22)
    ALREADY_REQUESTED = "already_requested"
    ALREADY_STARTED = "already_started"
    NO_REQUEST = "no_request"
    # Reports
    REPORT_BUSY = "report_busy"
    REPORT_COOLDOWN = "report_cooldown"
    # Accounts
    NO_EMAIL = "no_email"
    INVALID_LINK = "invalid_link"
    EXPIRED_LINK = "expired_link"
    NOT_CANDIDATE = "not_candidate"
    PENDING_EXISTS = "pending_exists"
    ALREADY_DECIDED = "already_decided"
    MFA_REQUIRED = "mfa_required"
    LOGIN_LOCKED_OUT = "login_locked_out"
    # Consent to send data to the configured model (issue 20)
    CONSENT_REQUIRED = "consent_required"
    # Scoring: rubrics, scorecards, overrides, decisions (issue 18)
    INVALID_RUBRIC = "invalid_rubric"
    UNKNOWN_CRITERION = "unknown_criterion"
    SCORE_OUT_OF_RANGE = "score_out_of_range"
    ALREADY_SUBMITTED = "already_submitted"
    NOT_ON_PANEL = "not_on_panel"
    PANEL_TOO_LARGE = "panel_too_large"
    REASON_REQUIRED = "reason_required"
    NO_SCORECARD = "no_scorecard"
    STRONG_NO_UNACKNOWLEDGED = "strong_no_unacknowledged"
    NO_REPORT = "no_report"
    SCORES_HIDDEN = "scores_hidden"
    SCORECARD_INCOMPLETE = "scorecard_incomplete"
    # Personal data (interview/privacy/)
    EXPORT_RATE_LIMITED = "export_rate_limited"
    WRONG_PASSWORD = "wrong_password"
    LOGIN_NOT_FRESH = "login_not_fresh"
    # Rate limits (issue 20)
    TOO_MANY_GENERATIONS = "too_many_generations"
    # Fairness (issue 21)
    BIASED_LANGUAGE = "biased_language"
    CONFIRM_LANGUAGE = "confirm_language"
    # Quotas (issue 20)
    QUOTA_EXCEEDED = "quota_exceeded"


class ServiceError(Exception):
    """A refused operation, with an error code, a plain-language message and, for some codes, details that
    clients read (sent as extra fields of the socket's error frame and the API's body): a quota's reset time,
    the flagged terms of a fairness refusal."""

    def __init__(self, code: str, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details: dict[str, Any] = details or {}
