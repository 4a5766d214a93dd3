"""Forms for resumes and job listings, and the upload handler that stops reading oversize files early."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest

from interview.documents import resume_text
from interview.documents.services import extraction_limits
from interview.extraction.errors import TOO_LARGE, ExtractionError
from interview.extraction.sniff import format_mb
from interview.models import UploadedJobListing, UploadedResume

ACCEPT = (
    ".pdf,.docx,.txt,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,text/plain"
)
TOO_LARGE_FLAG = "_document_upload_too_large"


class SizeLimitUploadHandler(FileUploadHandler):
    """Skips an uploaded file as soon as it passes the limit, so an oversize upload is never written to disk."""

    def __init__(self, request: Any = None, *, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            setattr(self.request, TOO_LARGE_FLAG, self.received)
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def limit_upload_size(request: HttpRequest) -> None:
    """Install the size-limit handler; call before anything reads request.POST or request.FILES."""
    request.upload_handlers.insert(0, SizeLimitUploadHandler(request, limit=extraction_limits().max_bytes))


def upload_too_large_message(request: HttpRequest) -> str | None:
    """The refusal for an upload skipped for its size, or None when nothing was skipped."""
    received = getattr(request, TOO_LARGE_FLAG, None)
    if received is None:
        return None
    return ExtractionError(TOO_LARGE, limit_mb=format_mb(extraction_limits().max_bytes)).message


def _file_field(*, required: bool, help_text: str) -> forms.FileField:
    return forms.FileField(
        required=required,
        help_text=help_text,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )


class ResumeUploadForm(forms.Form):
    """A title and either a PDF, DOCX or TXT file or the resume's pasted text."""

    title = forms.CharField(max_length=UploadedResume._meta.get_field("title").max_length)
    file = _file_field(required=False, help_text="PDF, Word (.docx) or plain text, up to {mb} MB.")
    content = forms.CharField(
        label="Or paste the resume's text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        strip=True,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _fill_size(self)
        cast(forms.CharField, self.fields["content"]).max_length = extraction_limits().max_text_chars

    def clean(self) -> dict[str, Any]:
        return _one_of_file_or_text(self, "Upload a file or paste the resume's text.")


class ResumeParsedForm(forms.Form):
    """The parsed fields as text: one skill per line, `degree | institution | year` lines, experience blocks."""

    summary = forms.CharField(required=False, strip=False, widget=forms.Textarea(attrs={"rows": 3}))
    skills = forms.CharField(
        required=False, strip=False, widget=forms.Textarea(attrs={"rows": 6}), help_text="One skill per line."
    )
    experience = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Each position as “title | organisation | start | end”, then its highlights as lines starting "
        "with “- ”; a blank line between positions.",
    )
    education = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: “degree | institution | year”.",
    )

    @classmethod
    def for_resume(cls, resume: UploadedResume) -> ResumeParsedForm:
        """The form filled with the resume's parsed fields."""
        return cls(
            initial={
                "summary": resume.summary,
                "skills": resume_text.skills_to_text(resume.skills or []),
                "experience": resume_text.experience_to_text(resume.experience or []),
                "education": resume_text.education_to_text(resume.education or []),
            }
        )

    def edit(self) -> dict[str, Any]:
        """The edit as the service takes it (call after is_valid)."""
        data = self.cleaned_data
        return {
            "summary": data["summary"],
            "skills": resume_text.skills_from_text(data["skills"]),
            "experience": resume_text.experience_from_text(data["experience"]),
            "education": resume_text.education_from_text(data["education"]),
        }


class JobListingForm(forms.Form):
    """A title and either a file or pasted text."""

    title = forms.CharField(
        max_length=UploadedJobListing._meta.get_field("title").max_length,
        required=False,
        help_text="Optional: the file name or the first line is used otherwise.",
    )
    file = _file_field(required=False, help_text="PDF, Word (.docx) or plain text, up to {mb} MB.")
    content = forms.CharField(
        label="Or paste the job description",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        strip=True,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _fill_size(self)
        cast(forms.CharField, self.fields["content"]).max_length = extraction_limits().max_text_chars

    def clean(self) -> dict[str, Any]:
        return _one_of_file_or_text(self, "Upload a file or paste the job description.")


class RetitleForm(forms.Form):
    """A new title."""

    def __init__(self, *args: Any, max_length: int, required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"] = forms.CharField(max_length=max_length, required=required)


def _one_of_file_or_text(form: forms.Form, neither: str) -> dict[str, Any]:
    cleaned = forms.Form.clean(form) or {}
    has_file, has_text = bool(cleaned.get("file")), bool(cleaned.get("content"))
    if has_file and has_text:
        raise forms.ValidationError("Upload a file or paste the text, not both.", code="both")
    if not has_file and not has_text and not form.errors:
        raise forms.ValidationError(neither, code="neither")
    return cleaned


def _fill_size(form: forms.Form) -> None:
    field = form.fields["file"]
    field.help_text = str(field.help_text).format(mb=format_mb(extraction_limits().max_bytes))
