"""Documents a candidate brings: resumes and job listings."""

from __future__ import annotations

from django.conf import settings
from django.db import models

# The parsing states of resumes and job listings (one background job shape: interview/core/jobs.py).
PARSING_PENDING, PARSING_IN_PROGRESS, PARSING_SUCCESS, PARSING_ERROR = "pending", "in_progress", "success", "error"
PARSING_STATUS_CHOICES = [
    (PARSING_PENDING, "Pending"),
    (PARSING_IN_PROGRESS, "In progress"),
    (PARSING_SUCCESS, "Success"),
    (PARSING_ERROR, "Error"),
]


class UploadedResume(models.Model):
    """A resume file (or pasted text) with the text extracted from it and what AI parsing found in it."""

    # The same parsing states as job listings (interview/documents/resume_parsing.py).
    PENDING, IN_PROGRESS, SUCCESS, ERROR = PARSING_PENDING, PARSING_IN_PROGRESS, PARSING_SUCCESS, PARSING_ERROR
    PARSING_STATUS_CHOICES = PARSING_STATUS_CHOICES

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resumes")
    title = models.CharField(max_length=100)
    # Empty for a pasted resume.
    file = models.FileField(upload_to="uploads/")
    text_content = models.TextField(blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    # Parsed fields (issue 21); limits in interview/documents/resume_rules.py.
    skills = models.JSONField(default=list, blank=True)  # ["Python", ...]
    experience = models.JSONField(default=list, blank=True)  # [{title, organisation, start, end, highlights}]
    education = models.JSONField(default=list, blank=True)  # [{degree, institution, year}]
    summary = models.TextField(blank=True)
    parsing_status = models.CharField(max_length=20, choices=PARSING_STATUS_CHOICES, default=PENDING)
    parsing_error = models.TextField(blank=True)
    parsed_at = models.DateTimeField(null=True, blank=True)
    # The model that parsed the resume, or "rules" (offline heuristic skills only); empty until parsed.
    parsed_by = models.CharField(max_length=100, blank=True)
    # Set when the owner edits the parsed fields: a later re-parse must be confirmed before it overwrites them.
    parsed_edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.title


class UploadedJobListing(models.Model):
    """A job posting (uploaded or pasted) and what AI parsing found in it."""

    ENTRY = "entry"
    MID = "mid"
    SENIOR = "senior"
    LEAD = "lead"
    EXECUTIVE = "executive"
    SENIORITY_CHOICES = [
        (ENTRY, "Entry Level (0-2 years)"),
        (MID, "Mid Level (2-5 years)"),
        (SENIOR, "Senior (5-8 years)"),
        (LEAD, "Lead/Principal (8-12 years)"),
        (EXECUTIVE, "Executive/Director (12+ years)"),
    ]

    PENDING, IN_PROGRESS, SUCCESS, ERROR = PARSING_PENDING, PARSING_IN_PROGRESS, PARSING_SUCCESS, PARSING_ERROR
    PARSING_STATUS_CHOICES = PARSING_STATUS_CHOICES

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="job_listings")
    title = models.CharField(max_length=255, blank=True)
    # Empty for pasted text (the spec's paste example passes filename="").
    filename = models.CharField(max_length=255, blank=True)
    file = models.FileField(upload_to="uploads/", blank=True)
    content = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    required_skills = models.JSONField(default=list, blank=True)
    seniority_level = models.CharField(max_length=50, choices=SENIORITY_CHOICES, blank=True)
    requirements = models.JSONField(default=dict, blank=True)
    recommended_template = models.ForeignKey(
        "interview.InterviewTemplate",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recommended_for",
    )

    parsing_status = models.CharField(max_length=20, choices=PARSING_STATUS_CHOICES, default=PENDING)
    parsing_error = models.TextField(blank=True)
    parsed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title or self.filename or f"Job listing {self.pk}"
