"""Every audit action code, declared once. A code is `<area>.<verb>`; the label is what people read."""

from __future__ import annotations

from enum import StrEnum


class AuditAction(StrEnum):
    """What an AuditEvent records. Codes are stored, so never rename one; add new ones freely."""

    # Sign-in and the account
    LOGIN = "auth.login"
    LOGOUT = "auth.logout"
    LOGIN_FAILED = "auth.login_failed"
    LOCKOUT = "auth.lockout"
    SIGNUP = "auth.signup"
    PASSWORD_CHANGED = "auth.password_changed"
    PASSWORD_RESET = "auth.password_reset"
    MFA_ENROLLED = "auth.mfa_enrolled"
    MFA_REMOVED = "auth.mfa_removed"
    SOCIAL_LINKED = "auth.social_linked"
    API_TOKEN_CREATED = "auth.api_token_created"
    API_TOKEN_REVOKED = "auth.api_token_revoked"
    # Roles
    ROLE_REQUESTED = "role.requested"
    ROLE_DECIDED = "role.decided"
    ROLE_CHANGED = "role.changed"
    # Django admin
    ADMIN_ADDED = "admin.added"
    ADMIN_CHANGED = "admin.changed"
    ADMIN_DELETED = "admin.deleted"
    # Reports and scoring
    REPORT_VIEWED = "report.viewed"
    REPORT_EXPORTED = "report.exported"
    REPORT_REGENERATED = "report.regenerated"
    SCORE_OVERRIDDEN = "report.score_overridden"
    SCORECARD_SUBMITTED = "report.scorecard_submitted"
    SCORECARD_REOPENED = "report.scorecard_reopened"
    # An observer steering a live interview
    OBSERVER_NOTE = "observer.note"
    QUESTION_EXTENDED = "observer.extend"
    INTERVIEW_ENDED = "observer.end"
    PROBE_SUBMITTED = "observer.probe"
    QUESTION_SKIPPED = "observer.skip"
    INTERVIEW_PAUSED = "observer.pause"
    INTERVIEW_RESUMED = "observer.resume"
    # Invitations
    INVITATION_CREATED = "invitation.created"
    INVITATION_RESENT = "invitation.resent"
    INVITATION_CANCELLED = "invitation.cancelled"
    PANEL_CHANGED = "invitation.panel_changed"
    DECISION_RECORDED = "invitation.decided"
    ACCOMMODATION_REQUESTED = "invitation.accommodation_requested"
    ACCOMMODATION_DECIDED = "invitation.accommodation_decided"
    # Personal data
    DATA_EXPORTED = "account.data_exported"
    ACCOUNT_ERASED = "account.erased"
    CONSENT_GIVEN = "account.consent_given"
    CONSENT_WITHDRAWN = "account.consent_withdrawn"

    @property
    def label(self) -> str:
        """A short phrase for pages and the admin ("auth.login_failed" → "Login failed")."""
        return LABELS.get(self, self.value.split(".", 1)[1].replace("_", " ").capitalize())


LABELS: dict[str, str] = {
    AuditAction.LOGIN: "Logged in",
    AuditAction.LOGOUT: "Logged out",
    AuditAction.LOGIN_FAILED: "Failed login",
    AuditAction.LOCKOUT: "Locked out",
    AuditAction.SIGNUP: "Signed up",
    AuditAction.PASSWORD_CHANGED: "Password changed",
    AuditAction.PASSWORD_RESET: "Password reset",
    AuditAction.MFA_ENROLLED: "Two-factor enrolled",
    AuditAction.MFA_REMOVED: "Two-factor removed",
    AuditAction.SOCIAL_LINKED: "Social account linked",
    AuditAction.API_TOKEN_CREATED: "API token created",
    AuditAction.API_TOKEN_REVOKED: "API token revoked",
    AuditAction.ROLE_REQUESTED: "Role requested",
    AuditAction.ROLE_DECIDED: "Role request decided",
    AuditAction.ROLE_CHANGED: "Role changed",
    AuditAction.ADMIN_ADDED: "Added in admin",
    AuditAction.ADMIN_CHANGED: "Changed in admin",
    AuditAction.ADMIN_DELETED: "Deleted in admin",
    AuditAction.REPORT_VIEWED: "Report viewed",
    AuditAction.REPORT_EXPORTED: "Report exported",
    AuditAction.REPORT_REGENERATED: "Report regenerated",
    AuditAction.SCORE_OVERRIDDEN: "Score overridden",
    AuditAction.SCORECARD_SUBMITTED: "Scorecard submitted",
    AuditAction.SCORECARD_REOPENED: "Scorecard reopened",
    AuditAction.OBSERVER_NOTE: "Observer note",
    AuditAction.QUESTION_EXTENDED: "Question time extended",
    AuditAction.INTERVIEW_ENDED: "Interview ended by observer",
    AuditAction.PROBE_SUBMITTED: "Observer probe",
    AuditAction.QUESTION_SKIPPED: "Question skipped",
    AuditAction.INTERVIEW_PAUSED: "Interview paused",
    AuditAction.INTERVIEW_RESUMED: "Interview resumed",
    AuditAction.INVITATION_CREATED: "Invitation created",
    AuditAction.INVITATION_RESENT: "Invitation resent",
    AuditAction.INVITATION_CANCELLED: "Invitation cancelled",
    AuditAction.PANEL_CHANGED: "Panel changed",
    AuditAction.DECISION_RECORDED: "Hiring decision recorded",
    AuditAction.ACCOMMODATION_REQUESTED: "Extra time requested",
    AuditAction.ACCOMMODATION_DECIDED: "Extra time request decided",
    AuditAction.DATA_EXPORTED: "Personal data exported",
    AuditAction.ACCOUNT_ERASED: "Account erased",
    AuditAction.CONSENT_GIVEN: "Consent to the model given",
    AuditAction.CONSENT_WITHDRAWN: "Consent to the model withdrawn",
}


def action_label(code: str) -> str:
    """The label of a stored code, or the code itself for one no longer declared."""
    try:
        return AuditAction(code).label
    except ValueError:
        return code
