"""The data-model contract for uploaded resumes and job listings."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from interview.models import InterviewTemplate, UploadedJobListing, UploadedResume
from tests.factories import JobListingFactory, ResumeFactory, TemplateFactory

User = get_user_model()

FIELD_SPEC = [
    # (model, field, internal type, attributes the spec fixes)
    (UploadedResume, "user", "ForeignKey", {"related_model": User}),
    (UploadedResume, "title", "CharField", {"max_length": 100, "blank": False}),
    (UploadedResume, "file", "FileField", {"upload_to": "uploads/"}),
    (UploadedResume, "text_content", "TextField", {"blank": True}),
    (UploadedResume, "uploaded_at", "DateTimeField", {"auto_now_add": True}),
    (UploadedJobListing, "user", "ForeignKey", {"related_model": User}),
    (UploadedJobListing, "title", "CharField", {"max_length": 255, "blank": True}),
    (UploadedJobListing, "filename", "CharField", {"max_length": 255, "null": False}),
    (UploadedJobListing, "file", "FileField", {"upload_to": "uploads/", "blank": True}),
    (UploadedJobListing, "content", "TextField", {"blank": False}),
    (UploadedJobListing, "created_at", "DateTimeField", {"auto_now_add": True}),
    (UploadedJobListing, "required_skills", "JSONField", {}),
    (UploadedJobListing, "seniority_level", "CharField", {"max_length": 50}),
    (UploadedJobListing, "requirements", "JSONField", {}),
    (UploadedJobListing, "recommended_template", "ForeignKey", {"related_model": InterviewTemplate, "null": True}),
    (UploadedJobListing, "parsing_status", "CharField", {"max_length": 20, "default": "pending"}),
    (UploadedJobListing, "parsing_error", "TextField", {"blank": True}),
    (UploadedJobListing, "parsed_at", "DateTimeField", {"null": True, "blank": True}),
]


@pytest.mark.parametrize(
    ("model", "field_name", "internal_type", "attrs"),
    FIELD_SPEC,
    ids=[f"{m.__name__}.{f}" for m, f, _, _ in FIELD_SPEC],
)
def test_documents_field_matches_spec(model, field_name, internal_type, attrs):
    field = model._meta.get_field(field_name)
    assert field.get_internal_type() == internal_type
    for attr, expected in attrs.items():
        assert getattr(field, attr) == expected, f"{model.__name__}.{field_name}.{attr}"


# --- Choice lists -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field_name", "expected"),
    [
        ("seniority_level", ["entry", "mid", "senior", "lead", "executive"]),
        ("parsing_status", ["pending", "in_progress", "success", "error"]),
    ],
)
def test_joblisting_choices_exact(field_name, expected):
    assert [value for value, _ in UploadedJobListing._meta.get_field(field_name).choices] == expected


@pytest.mark.parametrize(
    ("level", "display"),
    [
        ("entry", "Entry Level (0-2 years)"),
        ("mid", "Mid Level (2-5 years)"),
        ("senior", "Senior (5-8 years)"),
        ("lead", "Lead/Principal (8-12 years)"),
        ("executive", "Executive/Director (12+ years)"),
    ],
)
def test_joblisting_seniority_display(level, display):
    assert UploadedJobListing(seniority_level=level).get_seniority_level_display() == display


@pytest.mark.parametrize(("field_name", "value"), [("seniority_level", "intern"), ("parsing_status", "done")])
def test_joblisting_value_outside_choices_rejected(user, field_name, value):
    job = UploadedJobListing(user=user, filename="", content="Job text", **{field_name: value})
    with pytest.raises(ValidationError) as exc:
        job.full_clean()
    assert list(exc.value.message_dict) == [field_name]


# --- Defaults ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field_name", "expected"),
    [
        ("parsing_status", "pending"),
        ("required_skills", []),
        ("requirements", {}),
        ("seniority_level", ""),
        ("parsing_error", ""),
        ("parsed_at", None),
        ("recommended_template", None),
        ("title", ""),
    ],
)
def test_joblisting_default(user, field_name, expected):
    job = UploadedJobListing.objects.create(user=user, filename="", content="Pasted job description...")
    job.refresh_from_db()
    assert getattr(job, field_name) == expected


def test_resume_text_content_defaults_to_empty(user):
    resume = UploadedResume.objects.create(user=user, title="CV", file=ContentFile(b"cv", name="cv.txt"))
    resume.refresh_from_db()
    assert resume.text_content == ""


# --- Creation as the spec shows it -------------------------------------------------------------


def test_joblisting_pasted_text_valid_without_file_or_filename(user):
    job = UploadedJobListing(user=user, filename="", title="Senior Django Developer", content="Pasted...")
    job.full_clean()
    job.save()
    assert not job.file


def test_joblisting_content_required(user):
    job = UploadedJobListing(user=user, filename="x.txt", content="")
    with pytest.raises(ValidationError) as exc:
        job.full_clean()
    assert list(exc.value.message_dict) == ["content"]


def test_joblisting_parsed_fields_round_trip(user):
    requirements = {
        "education": ["Bachelor's in CS"],
        "years_experience": "5+",
        "certifications": ["AWS"],
        "responsibilities": ["Lead projects", "Mentor developers"],
    }
    job = JobListingFactory(
        user=user,
        required_skills=["Python", "Django", "5+ years"],
        seniority_level="senior",
        requirements=requirements,
        recommended_template=TemplateFactory(user=user, name="Senior System Design"),
    )
    job.refresh_from_db()
    assert job.required_skills == ["Python", "Django", "5+ years"]
    assert job.requirements == requirements
    assert job.recommended_template.name == "Senior System Design"


def test_resume_file_stored_under_uploads(user):
    resume = ResumeFactory(user=user)
    assert resume.file.name.startswith("uploads/")
    assert resume.file.storage.exists(resume.file.name)


def test_joblisting_file_stored_under_uploads(user):
    job = JobListingFactory(user=user, file=ContentFile(b"Job text", name="job.txt"), filename="job.txt")
    assert job.file.name.startswith("uploads/")


@pytest.mark.parametrize(("model", "field_name"), [(UploadedResume, "title"), (UploadedJobListing, "title")])
def test_documents_title_too_long_rejected(user, model, field_name):
    limit = model._meta.get_field(field_name).max_length
    if model is UploadedResume:
        instance = model(user=user, title="x" * (limit + 1), file="uploads/cv.txt")
    else:
        instance = model(user=user, title="x" * (limit + 1), filename="", content="text")
    with pytest.raises(ValidationError) as exc:
        instance.full_clean()
    assert list(exc.value.message_dict) == [field_name]
    assert model.objects.count() == 0


def test_resume_title_required(user):
    resume = UploadedResume(user=user, title="", file="uploads/cv.txt")
    with pytest.raises(ValidationError) as exc:
        resume.full_clean()
    assert list(exc.value.message_dict) == ["title"]


# --- __str__ ----------------------------------------------------------------------------------


def test_resume_str_is_title(db):
    assert str(ResumeFactory(title="Software Engineer Resume")) == "Software Engineer Resume"


def test_joblisting_str_is_title(db):
    assert str(JobListingFactory(title="Senior Django Developer")) == "Senior Django Developer"


def test_joblisting_str_without_title_falls_back_to_filename(db):
    assert str(JobListingFactory(title="", filename="senior_dev_role.txt")) == "senior_dev_role.txt"


def test_joblisting_str_without_title_or_filename_not_empty(db):
    assert str(JobListingFactory(title="", filename=""))
