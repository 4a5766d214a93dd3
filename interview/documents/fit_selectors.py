"""Reads for the fit summary: model rows turned into plain fit inputs, the pair's summary and its template.

The resume's parsed fields (`skills`, `experience`, `parsing_status`) are read with getattr, so this works
whether or not the resume-parsing fields exist yet; a resume without them counts as not parsed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from django.utils import timezone

from interview.documents.fit import Experience, FitSummary, fit_summarise
from interview.documents.recommend import TemplateCandidate, recommend_template
from interview.models import InterviewTemplate, UploadedJobListing, UploadedResume

PARSED: Final = "success"
READY: Final = "ready"
RESUME_NOT_PARSED: Final = "resume_not_parsed"
LISTING_NOT_PARSED: Final = "listing_not_parsed"
MAX_ENTRIES: Final = 200  # a resume edited to thousands of entries is cut here, not a slow page
_PROBE_TEXT_CHARS: Final = 20_000


@dataclass(frozen=True)
class PairFit:
    """The fit of one resume to one listing as a page shows it: a summary, or why there is none yet."""

    resume: UploadedResume
    listing: UploadedJobListing
    state: str
    summary: FitSummary | None = None

    @property
    def is_ready(self) -> bool:
        """Whether both documents are parsed and the summary is computed."""
        return self.state == READY


def resume_is_parsed(resume: Any) -> bool:
    """Whether the resume's skills and experience were parsed (or edited) and may be used."""
    return getattr(resume, "parsing_status", None) == PARSED


def resume_skills(resume: Any) -> list[str]:
    """The resume's parsed skills as strings ([] before parsing or without the field)."""
    skills = getattr(resume, "skills", None) or []
    return [s for s in list(skills)[:MAX_ENTRIES] if isinstance(s, str)] if isinstance(skills, list) else []


def resume_experience(resume: Any) -> list[Experience]:
    """The resume's experience entries as plain `Experience` values; malformed entries are skipped."""
    entries = getattr(resume, "experience", None) or []
    if not isinstance(entries, list):
        return []
    return [_experience(entry) for entry in entries[:MAX_ENTRIES] if isinstance(entry, Mapping)]


def _experience(entry: Mapping[str, Any]) -> Experience:
    title = entry.get("title") or entry.get("organisation") or ""
    return Experience(title=str(title)[:100], start=entry.get("start"), end=entry.get("end"))


def pair_fit(*, resume: UploadedResume, listing: UploadedJobListing, today: date | None = None) -> PairFit:
    """The fit of the resume to the listing, or the state saying which document still needs parsing."""
    if listing.parsing_status != UploadedJobListing.SUCCESS:
        return PairFit(resume=resume, listing=listing, state=LISTING_NOT_PARSED)
    if not resume_is_parsed(resume):
        return PairFit(resume=resume, listing=listing, state=RESUME_NOT_PARSED)
    requirements = listing.requirements if isinstance(listing.requirements, dict) else {}
    summary = fit_summarise(
        resume_skills=resume_skills(resume),
        experience=resume_experience(resume),
        required_skills=listing.required_skills if isinstance(listing.required_skills, list) else [],
        years_experience=requirements.get("years_experience"),
        today=today or timezone.localdate(),
    )
    return PairFit(resume=resume, listing=listing, state=READY, summary=summary)


def owned_pair(user: Any, resume_id: int | None, listing_id: int | None) -> tuple[Any, Any]:
    """The user's own resume and listing with these ids (None for each one not theirs or not given)."""
    if not user.is_authenticated:
        return None, None
    resume = UploadedResume.objects.filter(user=user, pk=resume_id).first() if resume_id is not None else None
    listing = UploadedJobListing.objects.filter(user=user, pk=listing_id).first() if listing_id is not None else None
    return resume, listing


@dataclass(frozen=True)
class ListingFit:
    """The job listing page's fit panel: the owner's resumes to pick from, the one picked and its fit."""

    resumes: list[UploadedResume]
    chosen: UploadedResume | None
    fit: PairFit | None


def listing_fit_for_owner(user: Any, listing: UploadedJobListing, resume_id: int | None) -> ListingFit:
    """The fit of the owner's chosen resume (else their most recent one) to their listing."""
    resumes = list(UploadedResume.objects.filter(user=user).defer("text_content").order_by("-uploaded_at", "-id"))
    chosen = next((r for r in resumes if r.pk == resume_id), resumes[0] if resumes else None)
    fit = pair_fit(resume=chosen, listing=listing) if chosen is not None else None
    return ListingFit(resumes=resumes, chosen=chosen, fit=fit)


def fits_for_chats(chats: list[Any]) -> list[PairFit]:
    """The fit of each distinct resume/listing pair behind these chats (chats the viewer may already see)."""
    pairs = list(dict.fromkeys((c.resume_id, c.job_listing_id) for c in chats if c.resume_id and c.job_listing_id))
    resumes = UploadedResume.objects.defer("text_content").in_bulk([r for r, _ in pairs])
    listings = UploadedJobListing.objects.defer("content").in_bulk([j for _, j in pairs])
    return [pair_fit(resume=resumes[r], listing=listings[j]) for r, j in pairs if r in resumes and j in listings]


def template_recommend_for_pair(*, user: Any, fit: PairFit) -> int | None:
    """The visible template best suited to the listing, the candidate's missing skills breaking ties."""
    missing = list(fit.summary.missing) if fit.summary is not None else []
    listing = fit.listing
    lookups = ["tags", "question_banks__questions__tags"] if missing else ["tags"]
    templates = InterviewTemplate.objects.visible_to(user).prefetch_related(*lookups)
    candidates = [
        TemplateCandidate(
            id=t.pk,
            difficulty=t.difficulty,
            tags=frozenset(tag.name for tag in t.tags.all()),
            probe_text=_probe_text(t) if missing else "",
        )
        for t in templates
    ]
    skills = listing.required_skills if isinstance(listing.required_skills, list) else []
    return recommend_template(
        candidates, seniority=listing.seniority_level, skills=[str(s) for s in skills], missing_skills=missing
    )


def _probe_text(template: InterviewTemplate) -> str:
    parts: list[str] = []
    for bank in template.question_banks.all():
        for question in bank.questions.all():
            parts.append(question.text)
            parts.extend(tag.name for tag in question.tags.all())
    return "\n".join(parts)[:_PROBE_TEXT_CHARS]
