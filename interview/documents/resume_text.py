"""The parsed resume as text: compact for the interviewer's prompt, and as the lines of the page's edit form.

Pure code: no ORM, settings, clock or network.

In the prompt, the parsed structure replaces the raw text so that a long resume keeps its tail: every
experience entry's headline (title, organisation, dates) is kept, and detail is dropped in this order
until the text fits the document's budget: highlights beyond the first of each entry, then all
highlights, then skills beyond the first 40, then the summary past 300 characters. Only a resume whose
headlines alone pass the budget (dozens of entries with very long names) is still cut at its end.

The edit form writes one skill per line, one education entry per line as `degree | institution | year`,
and each experience entry as a line `title | organisation | start | end` followed by its highlights as
lines starting with "- ".
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from interview.documents.resume_rules import ParsedResume

SEPARATOR: Final = " | "
BULLET: Final = "- "
_LEVELS: Final = (  # (highlights per entry, skills, summary characters), from most to least detail
    (None, None, None),
    (1, None, None),
    (0, None, None),
    (0, 40, None),
    (0, 40, 300),
)


def render_for_prompt(resume: ParsedResume, *, limit: int) -> str:
    """The resume as compact text, with as much detail as fits in `limit` characters (headlines always kept)."""
    text = ""
    for highlights, skills, summary in _LEVELS:
        text = _render(resume, highlights=highlights, skills=skills, summary=summary)
        if len(text) <= limit:
            break
    return text


def _render(resume: ParsedResume, *, highlights: int | None, skills: int | None, summary: int | None) -> str:
    parts = ["(Structured from the candidate's resume.)"]
    if resume.summary:
        parts.append("Summary: " + (resume.summary if summary is None else resume.summary[:summary]))
    if resume.skills:
        shown = resume.skills if skills is None else resume.skills[:skills]
        more = len(resume.skills) - len(shown)
        parts.append("Skills: " + ", ".join(shown) + (f" (and {more} more)" if more else ""))
    if resume.experience:
        lines = ["Experience:"]
        for entry in resume.experience:
            lines.append("- " + _headline(entry))
            kept = entry.get("highlights", []) if highlights is None else entry.get("highlights", [])[:highlights]
            lines.extend(f"    * {item}" for item in kept)
        parts.append("\n".join(lines))
    if resume.education:
        parts.append("Education:\n" + "\n".join("- " + _education_line(entry) for entry in resume.education))
    return "\n".join(parts)


def _headline(entry: dict[str, Any]) -> str:
    who = ", ".join(part for part in (entry.get("title", ""), entry.get("organisation", "")) if part)
    dates = "–".join(part for part in (entry.get("start", ""), entry.get("end", "")) if part)
    return f"{who} ({dates})" if dates else who


def _education_line(entry: dict[str, str]) -> str:
    head = ", ".join(part for part in (entry.get("degree", ""), entry.get("institution", "")) if part)
    return f"{head} ({entry['year']})" if entry.get("year") else head


# --- the edit form's text -------------------------------------------------------------------------


def skills_to_text(skills: Iterable[str]) -> str:
    return "\n".join(skills)


def skills_from_text(text: str) -> list[str]:
    """One skill per line (blank lines skipped); cleaning and limits are resume_rules' job."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def education_to_text(education: Iterable[dict[str, str]]) -> str:
    return "\n".join(
        SEPARATOR.join(entry.get(key, "") for key in ("degree", "institution", "year")) for entry in education
    )


def education_from_text(text: str) -> list[dict[str, str]]:
    """`degree | institution | year` per line; missing parts are empty, extra bars stay in the year."""
    entries = []
    for line in text.splitlines():
        if line.strip():
            parts = [part.strip() for part in line.split("|", 2)] + ["", ""]
            entries.append({"degree": parts[0], "institution": parts[1], "year": parts[2]})
    return entries


def experience_to_text(experience: Iterable[dict[str, Any]]) -> str:
    blocks = []
    for entry in experience:
        head = SEPARATOR.join(entry.get(key, "") for key in ("title", "organisation", "start", "end"))
        blocks.append("\n".join([head, *(BULLET + item for item in entry.get("highlights", []))]))
    return "\n\n".join(blocks)


def experience_from_text(text: str) -> list[dict[str, Any]]:
    """Entries from `title | organisation | start | end` lines, each followed by its "- highlight" lines."""
    entries: list[dict[str, Any]] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("-") and entries:
            entries[-1]["highlights"].append(stripped[1:].strip())
            continue
        parts = [part.strip() for part in stripped.split("|", 3)] + ["", "", ""]
        entries.append(
            {"title": parts[0], "organisation": parts[1], "start": parts[2], "end": parts[3], "highlights": []}
        )
    return entries
