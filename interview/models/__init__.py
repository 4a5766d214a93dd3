"""All models of the interview app, split by area."""

from interview.models import lookups as _lookups  # noqa: F401  (registers the integer `__in` lookup)
from interview.models.accommodations import AccommodationRequest
from interview.models.audit import AppendOnlyError, AuditEvent
from interview.models.core import (
    Chat,
    ExportableReport,
    InvitedInterview,
    ObserverNote,
    ReportVersion,
    RoleChangeRequest,
    UserProfile,
)
from interview.models.documents import UploadedJobListing, UploadedResume
from interview.models.fairness import FairnessTerm
from interview.models.privacy import DataExport, PendingFileDeletion
from interview.models.scoring import Scorecard, ScoreOverride
from interview.models.templates import InterviewTemplate, Question, QuestionBank, Tag, normalise_tag_name
from interview.models.usage import BudgetAlert, MergeTokenStats, TokenUsage

__all__ = [
    "AccommodationRequest",
    "AppendOnlyError",
    "AuditEvent",
    "BudgetAlert",
    "Chat",
    "DataExport",
    "ExportableReport",
    "FairnessTerm",
    "InterviewTemplate",
    "InvitedInterview",
    "MergeTokenStats",
    "ObserverNote",
    "PendingFileDeletion",
    "Question",
    "QuestionBank",
    "ReportVersion",
    "RoleChangeRequest",
    "ScoreOverride",
    "Scorecard",
    "Tag",
    "TokenUsage",
    "UploadedJobListing",
    "UploadedResume",
    "UserProfile",
    "normalise_tag_name",
]
