"""Users' profiles, interview sessions (Chat), reports, invitations and role requests."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from interview.models.choices import INTERVIEW_TYPE_CHOICES, TIME_MULTIPLIER_CHOICES


def time_multiplier_field() -> models.DecimalField:
    """The accommodation's time multiplier (1, 1.25, 1.5 or 2): every clock of the interview runs this much longer."""
    return models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("1.00"), choices=TIME_MULTIPLIER_CHOICES)


class UserProfile(models.Model):
    """Role and auth provider of a user; created by a signal with every new user."""

    ADMIN = "admin"
    INTERVIEWER = "interviewer"
    CANDIDATE = "candidate"
    ROLE_CHOICES = [
        (ADMIN, "Admin"),
        (INTERVIEWER, "Interviewer"),
        (CANDIDATE, "Candidate"),
    ]

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    role = models.CharField(max_length=20, choices=ROLE_CHOICES, default=CANDIDATE)
    auth_provider = models.CharField(max_length=50, default="local")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The address the user proved they own; it stops counting once user.email changes.
    verified_email = models.EmailField(blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    # Consent to send documents and answers to the configured model (docs/operations.md "Consent"):
    # None = never asked; it counts only while `llm_consent_provider` is the provider shown today.
    llm_consent = models.BooleanField(null=True, blank=True)
    llm_consent_provider = models.CharField(max_length=200, blank=True)
    llm_consent_at = models.DateTimeField(null=True, blank=True)
    # When the retention warning email went out for the current stretch of inactivity (None: not sent).
    retention_warned_at = models.DateTimeField(null=True, blank=True)
    # This user's LLM tokens per day (docs/operations.md "Quotas and spending cap"); None: their role's
    # LLM_DAILY_TOKENS. Set in Django admin.
    daily_token_budget = models.PositiveBigIntegerField(
        null=True,
        blank=True,
        help_text="LLM tokens this user may use per day (0 or more); leave empty for the role's default.",
    )

    class Meta:
        verbose_name = "user profile"

    def __str__(self) -> str:
        return f"{self.user.username} ({self.get_role_display()}, {self.auth_provider})"

    @property
    def email_verified(self) -> bool:
        """Whether the user's current email address is the one they verified."""
        return bool(self.verified_email) and self.verified_email.lower() == (self.user.email or "").lower()


class Chat(models.Model):
    """One interview session: its transcript, key questions and the documents it draws on."""

    GENERAL = "GEN"
    SKILLS = "SKL"
    PERSONALITY = "PER"
    FINAL_SCREENING = "FIN"
    INTERVIEW_TYPE_CHOICES = INTERVIEW_TYPE_CHOICES

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chats")
    title = models.CharField(max_length=50)
    messages = models.JSONField(default=list, blank=True)
    key_questions = models.JSONField(default=list, blank=True)
    resume = models.ForeignKey(
        "interview.UploadedResume", on_delete=models.SET_NULL, null=True, blank=True, related_name="chats"
    )
    job_listing = models.ForeignKey(
        "interview.UploadedJobListing", on_delete=models.SET_NULL, null=True, blank=True, related_name="chats"
    )
    difficulty = models.IntegerField(default=5, validators=[MinValueValidator(1), MaxValueValidator(10)])
    type = models.CharField(max_length=5, choices=INTERVIEW_TYPE_CHOICES, default=GENERAL)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Live-session state (not in the spec's table; the live interview needs it stored).
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    STATUS_CHOICES = [(NOT_STARTED, "Not started"), (IN_PROGRESS, "In progress"), (COMPLETED, "Completed")]
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default=NOT_STARTED, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Index into key_questions of the question being asked or answered; None before the first.
    current_question_index = models.IntegerField(null=True, blank=True)
    question_started_at = models.DateTimeField(null=True, blank=True)
    question_deadline = models.DateTimeField(null=True, blank=True, db_index=True)
    # An invited interview closes at the latest at this time (start + the invitation's duration).
    ends_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # The model that conducts this interview ("offline-interviewer" when no LLM is configured).
    interviewer_model = models.CharField(max_length=100, blank=True)
    # Why the offline interviewer conducts it when a model is configured: "budget" (the monthly spending cap
    # was reached when it started, LLM_BUDGET_EXCEEDED=offline); empty otherwise.
    offline_reason = models.CharField(max_length=20, blank=True)
    # The lease of the reply being generated: the owning process renews it every few seconds (with
    # its partial saves); once it has passed, the generation is orphaned (its process died) and any
    # process may mark the reply failed and offer a retry. Null when no reply is being generated.
    generation_lease_until = models.DateTimeField(null=True, blank=True, db_index=True)
    # Who holds the lease: "<host>:<pid>/<message id>"; renewals are conditional on it.
    generation_lease_owner = models.CharField(max_length=120, blank=True)
    # The follow-up policy: at most this many follow-ups (AI or offline rules) per key question.
    max_follow_ups = models.IntegerField(default=1, validators=[MinValueValidator(0), MaxValueValidator(3)])
    # The 1-based number of the follow-up of `current_question_index` whose clock is running; None while
    # the key question itself runs (or nothing does).
    current_follow_up = models.IntegerField(null=True, blank=True)
    # Observer probes accepted but not asked yet, oldest first: [{id, content, index, by, by_name, queued_at}].
    probes = models.JSONField(default=list, blank=True)
    # Set while an observer has paused the interview (every clock stops); None otherwise.
    paused_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Every pause: [{by, by_name, reason, started_at, ended_at, seconds, auto}], oldest first.
    pauses = models.JSONField(default=list, blank=True)
    # The rubric this interview is scored on, copied from its template when it is created (so editing the
    # template never changes past interviews); empty for chats older than rubrics: the default rubric applies.
    rubric = models.JSONField(default=list, blank=True)
    # An accommodation (issue 22): the key questions' and follow-ups' time limits are multiplied by this when the
    # interview starts (copied from the invitation; a practice interview chooses it). Why is never stored.
    time_multiplier = time_multiplier_field()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_offline(self) -> bool:
        """Whether the offline interviewer (no LLM) conducts this interview."""
        return self.interviewer_model == "offline-interviewer"


class ExportableReport(models.Model):
    """The scored outcome of one interview, ready to render as HTML, PDF or CSV."""

    chat = models.OneToOneField(Chat, on_delete=models.CASCADE)
    generated_at = models.DateTimeField(auto_now_add=True)
    last_updated = models.DateTimeField(auto_now=True)
    professionalism_score = models.IntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    subject_knowledge_score = models.IntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    clarity_score = models.IntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    overall_score = models.IntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    feedback_text = models.TextField(blank=True)
    question_responses = models.JSONField(default=list, blank=True)
    total_questions_asked = models.IntegerField(default=0)
    total_responses_given = models.IntegerField(default=0)
    interview_duration_minutes = models.IntegerField(null=True, blank=True)
    pdf_generated = models.BooleanField(default=False)
    pdf_file = models.FileField(upload_to="reports/", blank=True)

    # Generation bookkeeping (not in the spec's table; reports are built in the background).
    PENDING = "pending"
    GENERATING = "generating"
    READY = "ready"
    FAILED = "failed"
    STATUS_CHOICES = [(PENDING, "Pending"), (GENERATING, "Generating"), (READY, "Ready"), (FAILED, "Failed")]
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default=PENDING, db_index=True)
    error = models.TextField(blank=True)
    # Scored by the offline rubric (no LLM): every number must be labelled as such.
    is_offline = models.BooleanField(default=False)
    model_name = models.CharField(max_length=100, blank=True)
    # Bumped on every (re)generation; the cached PDF is valid only for the version it was made from.
    version = models.IntegerField(default=0)
    pdf_version = models.IntegerField(default=0)
    # When a user last asked for a (re)generation: the regenerate cooldown counts from it (None: never).
    regenerated_at = models.DateTimeField(null=True, blank=True)
    # The AI's score per rubric criterion: [{key, name, weight, score (0-100), evidence, feedback}], in
    # rubric order; an override replaces `score` (the AI's value stays on the ScoreOverride row).
    criterion_scores = models.JSONField(default=list, blank=True)
    # What produced the scores: a hash of the grading prompt's template and the rubric (core.rubric.prompt_version).
    prompt_version = models.CharField(max_length=64, blank=True)
    # The fairness check of the AI's own text (issue 21): flagged terms hold the text back from the candidate
    # until a person has reviewed it. `fairness_flags`: [{term, category, severity, explanation, field}].
    needs_human_review = models.BooleanField(default=False)
    fairness_flags = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"{self.chat.title} Report"


class ReportVersion(models.Model):
    """The scores of an earlier generation of a report, kept when it is regenerated."""

    report = models.ForeignKey(ExportableReport, on_delete=models.CASCADE, related_name="versions")
    version = models.IntegerField()
    professionalism_score = models.IntegerField(null=True, blank=True)
    subject_knowledge_score = models.IntegerField(null=True, blank=True)
    clarity_score = models.IntegerField(null=True, blank=True)
    overall_score = models.IntegerField(null=True, blank=True)
    question_scores = models.JSONField(default=list, blank=True)
    feedback_text = models.TextField(blank=True)
    is_offline = models.BooleanField(default=False)
    model_name = models.CharField(max_length=100, blank=True)
    generated_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    criterion_scores = models.JSONField(default=list, blank=True)
    prompt_version = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["report", "version"], name="interview_report_version_unique")]

    def __str__(self) -> str:
        return f"{self.report} v{self.version}"


class InvitedInterview(models.Model):
    """An interviewer's invitation of a candidate (by email) to a scheduled interview."""

    PENDING = "pending"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    REVIEWED = "reviewed"
    EXPIRED = "expired"
    STATUS_CHOICES = [
        (PENDING, "Pending"),
        (IN_PROGRESS, "In progress"),
        (COMPLETED, "Completed"),
        (REVIEWED, "Reviewed"),
        (EXPIRED, "Expired"),
    ]

    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_invitations")
    candidate_email = models.EmailField()
    template = models.ForeignKey(
        "interview.InterviewTemplate", on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations"
    )
    scheduled_time = models.DateTimeField()
    duration_minutes = models.IntegerField(default=60, validators=[MinValueValidator(15), MaxValueValidator(240)])
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default=PENDING, db_index=True)
    chat = models.OneToOneField(Chat, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitation")
    interviewer_feedback = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # The join link carries a random token; only its SHA-256 is stored.
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations_received"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Review feedback becomes visible to the candidate once published (marked reviewed).
    feedback_published = models.BooleanField(default=False)
    # The panel: co-interviewers (besides `interviewer`, at most 5) who may observe the session and score it.
    panel = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="panel_invitations")
    # The hiring decision, recorded once by the inviting interviewer after at least one scorecard is in.
    ADVANCE = "advance"
    HOLD = "hold"
    REJECT = "reject"
    DECISION_CHOICES = [(ADVANCE, "Advance"), (HOLD, "Hold"), (REJECT, "Reject")]
    decision = models.CharField(max_length=20, choices=DECISION_CHOICES, blank=True)
    decision_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="decided_invitations"
    )
    # Scorecard reminders sent: {"<user id>": {"count": n, "last_at": iso time}} (at most 3 per member).
    panel_reminders = models.JSONField(default=dict, blank=True)
    # An accommodation (issue 22): the interview's time limits and window are multiplied (interview/interviews/
    # accommodation.py); set when inviting or granted on the candidate's request before the interview starts.
    time_multiplier = time_multiplier_field()

    class Meta:
        ordering = ["-scheduled_time"]

    def __str__(self) -> str:
        return f"Invitation for {self.candidate_email} at {self.scheduled_time:%Y-%m-%d %H:%M}"


class RoleChangeRequest(models.Model):
    """A user's request for another role, decided once by an admin."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    STATUS_CHOICES = [(PENDING, "Pending"), (APPROVED, "Approved"), (REJECTED, "Rejected")]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_requests")
    requested_role = models.CharField(max_length=20, choices=UserProfile.ROLE_CHOICES)
    reason = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default=PENDING, db_index=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_role_requests",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    admin_notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status="pending"), name="interview_one_pending_role_request"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user.username} → {self.requested_role} ({self.status})"


class ObserverNote(models.Model):
    """A private note an interviewer or admin takes while observing; never shown to the candidate."""

    chat = models.ForeignKey(Chat, on_delete=models.CASCADE, related_name="observer_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="observer_notes"
    )
    text = models.TextField()
    # Seconds since the interview started, and the key question running, when the note was taken.
    elapsed_seconds = models.FloatField(null=True, blank=True)
    question_index = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Note on {self.chat} by {self.author or 'deleted user'}"
