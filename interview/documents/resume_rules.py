"""Resume parsing: the LLM's prompt and schema, validation of its reply and of the owner's edits, the offline rules.

Pure code: no ORM, settings, clock or network.

Limits (the same for the model's reply and the owner's edits): at most MAX_SKILLS skills of SKILL_MAX_CHARS,
MAX_EXPERIENCE experience entries with MAX_HIGHLIGHTS highlights each, MAX_EDUCATION education entries, a
summary of SUMMARY_MAX_CHARS. A model's reply past a limit is cut to it (the model was asked to stay inside);
an owner's edit past a limit is refused with a message naming it, and nothing is saved. Every string is
normalised (NFC), stripped of control, bidi and invisible tag characters and of surrounding whitespace.
HTML is not special: it is stored as the plain text it is and escaped wherever it is shown, never rendered.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Final

from interview.core.fence import fence, fence_rules, new_nonce
from interview.documents.job_rules import find_skills

RULES_PARSER: Final = "rules"
# What is sent to the model: the whole extracted text up to this many characters (the extraction's own
# default limit, DOCUMENT_MAX_TEXT_CHARS, is the same), so a 40-page resume is parsed whole.
PARSE_MAX_CHARS: Final = 100_000
MAX_SKILLS: Final = 200
SKILL_MAX_CHARS: Final = 80
MAX_EXPERIENCE: Final = 50
MAX_HIGHLIGHTS: Final = 10
HIGHLIGHT_MAX_CHARS: Final = 300
MAX_EDUCATION: Final = 20
NAME_MAX_CHARS: Final = 150  # a job title, an organisation, a degree, an institution
DATE_MAX_CHARS: Final = 30  # start, end, year: free text such as "2019", "Mar 2021", "present"
SUMMARY_MAX_CHARS: Final = 2000
EXPERIENCE_KEYS: Final = ("title", "organisation", "start", "end", "highlights")
EDUCATION_KEYS: Final = ("degree", "institution", "year")
FIELDS: Final = ("skills", "experience", "education", "summary")

_DISGUISE: Final = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\U000e0000-\U000e007f]")
_FENCE: Final = re.compile(r"^\s*```(?:json)?\s*|\s*```\s*$", re.I)


def _field_of(name: str) -> str:
    """The model field a path such as "experience[3].title" belongs to."""
    return re.split(r"[.\[]", name, maxsplit=1)[0]


class InvalidResume(ValueError):
    """A model's reply or an owner's edit that does not fit the shape or the limits; the message says where."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ParsedResume:
    """What parsing (or the owner) says the resume holds, in the model's field shapes."""

    skills: list[str] = field(default_factory=list)
    experience: list[dict[str, Any]] = field(default_factory=list)
    education: list[dict[str, str]] = field(default_factory=list)
    summary: str = ""

    def as_fields(self) -> dict[str, Any]:
        """The model fields to store."""
        return asdict(self)

    def is_empty(self) -> bool:
        return not (self.skills or self.experience or self.education or self.summary)


# --- cleaning and validation --------------------------------------------------------------------


def clean_string(value: Any, *, name: str, limit: int, strict: bool, multiline: bool = False) -> str:
    """A string normalised and stripped of disguising characters; over `limit` it is cut (or, strict, refused)."""
    if value is None and not strict:
        return ""
    if not isinstance(value, str):
        raise InvalidResume(f"{name} must be a string", field=_field_of(name))
    text = _DISGUISE.sub("", unicodedata.normalize("NFC", value.replace("\r\n", "\n")))
    text = "".join(ch for ch in text if (multiline and ch == "\n") or unicodedata.category(ch) != "Cc")
    text = (
        "\n".join(" ".join(line.split()) for line in text.split("\n")).strip() if multiline else " ".join(text.split())
    )
    if len(text) > limit:
        if strict:
            raise InvalidResume(f"{name} has {len(text):,} characters; the limit is {limit:,}.", field=_field_of(name))
        text = text[:limit].rstrip()
    return text


def _items(value: Any, *, name: str, limit: int, strict: bool) -> list[Any]:
    if not isinstance(value, list):
        raise InvalidResume(f"{name} must be a list", field=_field_of(name))
    if len(value) > limit:
        if strict:
            raise InvalidResume(f"{name} has {len(value):,} entries; the limit is {limit:,}.", field=_field_of(name))
        value = value[:limit]
    return value


def clean_skills(value: Any, *, strict: bool, name: str = "skills", limit: int = MAX_SKILLS) -> list[str]:
    """Distinct (case-insensitively), non-empty, cleaned strings."""
    skills: list[str] = []
    seen: set[str] = set()
    items = _items(value, name=name, limit=limit if strict else 10 * limit, strict=strict)
    for index, item in enumerate(items):
        text = clean_string(item, name=f"{name}[{index + 1}]", limit=SKILL_MAX_CHARS, strict=strict)
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            skills.append(text)
    return skills[:limit]


def _entry(value: Any, keys: tuple[str, ...], *, name: str, strict: bool) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidResume(f"{name} must be an object", field=_field_of(name))
    unknown = sorted(set(value) - set(keys))
    if unknown and strict:
        raise InvalidResume(f"{name} has unknown keys: {', '.join(unknown)}", field=_field_of(name))
    missing = [key for key in keys if key not in value and key != "highlights"]
    if missing and not strict:
        raise InvalidResume(f"{name} lacks {', '.join(missing)}", field=_field_of(name))
    entry: dict[str, Any] = {}
    for key in keys:
        limit = DATE_MAX_CHARS if key in ("start", "end", "year") else NAME_MAX_CHARS
        if key == "highlights":
            entry[key] = _highlights(value.get(key, []), name=name, strict=strict)
        else:
            entry[key] = clean_string(value.get(key, ""), name=f"{name}.{key}", limit=limit, strict=strict)
    return entry


def _highlights(value: Any, *, name: str, strict: bool) -> list[str]:
    items = _items(value, name=f"{name}.highlights", limit=MAX_HIGHLIGHTS, strict=strict)
    cleaned = [
        clean_string(item, name=f"{name}.highlights[{i + 1}]", limit=HIGHLIGHT_MAX_CHARS, strict=strict)
        for i, item in enumerate(items)
    ]
    return [item for item in cleaned if item]


def clean_experience(value: Any, *, strict: bool) -> list[dict[str, Any]]:
    """Experience entries (title, organisation, start, end, highlights); entries without title and organisation go."""
    items = _items(value, name="experience", limit=MAX_EXPERIENCE, strict=strict)
    entries = [
        _entry(item, EXPERIENCE_KEYS, name=f"experience[{i + 1}]", strict=strict) for i, item in enumerate(items)
    ]
    return [entry for entry in entries if entry["title"] or entry["organisation"]]


def clean_education(value: Any, *, strict: bool) -> list[dict[str, str]]:
    """Education entries (degree, institution, year); entries without degree and institution go."""
    items = _items(value, name="education", limit=MAX_EDUCATION, strict=strict)
    entries = [_entry(item, EDUCATION_KEYS, name=f"education[{i + 1}]", strict=strict) for i, item in enumerate(items)]
    return [entry for entry in entries if entry["degree"] or entry["institution"]]


def clean_summary(value: Any, *, strict: bool) -> str:
    return clean_string(value, name="summary", limit=SUMMARY_MAX_CHARS, strict=strict, multiline=True)


CLEANERS: Final[Mapping[str, Callable[..., Any]]] = {
    "skills": clean_skills,
    "experience": clean_experience,
    "education": clean_education,
    "summary": clean_summary,
}


def validate_edit(data: Mapping[str, Any]) -> dict[str, Any]:
    """The owner's edit of some parsed fields, cleaned; raise InvalidResume (naming the field) past any limit."""
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise InvalidResume(f"Unknown fields: {', '.join(unknown)}.", field=unknown[0])
    if not data:
        raise InvalidResume("Send at least one of skills, experience, education, summary.")
    return {name: CLEANERS[name](value, strict=True) for name, value in data.items()}


# --- the LLM's side -----------------------------------------------------------------------------

_STRING_LIST: Final = {"type": "array", "items": {"type": "string"}}
RESUME_PARSE_SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "additionalProperties": False,
    "required": list(FIELDS),
    "properties": {
        "skills": _STRING_LIST,
        "experience": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": list(EXPERIENCE_KEYS),
                "properties": {
                    **{key: {"type": "string"} for key in EXPERIENCE_KEYS[:4]},
                    "highlights": _STRING_LIST,
                },
            },
        },
        "education": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": list(EDUCATION_KEYS),
                "properties": {key: {"type": "string"} for key in EDUCATION_KEYS},
            },
        },
        "summary": {"type": "string"},
    },
}


def build_resume_parse_messages(*, text: str, nonce: str | None = None) -> list[dict[str, str]]:
    """Return the chat messages asking a model to parse a resume into the schema's JSON, the resume fenced as data."""
    nonce = nonce or new_nonce()
    system = (
        "You extract structured facts from a candidate's resume for an interview-practice tool.\n"
        f"{fence_rules(nonce)}\n"
        "Reply with one JSON object only, with these keys:\n"
        f"- skills: the concrete skills, tools, technologies and languages the resume shows, short names, at most "
        f"{MAX_SKILLS};\n"
        "- experience: every position, most recent first, each an object with title, organisation, start and "
        'end (as written, e.g. "2019" or "Mar 2021"; end "present" for a current role) and highlights (at most '
        "3 short achievements);\n"
        "- education: each an object with degree, institution and year;\n"
        "- summary: two or three sentences on the candidate's profile, in the resume's own language.\n"
        "Keep names and text in the resume's language and script. Use empty lists and empty strings for anything "
        "the resume does not state; never invent facts."
    )
    user = "The resume:\n" + fence("RESUME", text, nonce=nonce, limit=PARSE_MAX_CHARS)
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def build_retry_messages(messages: list[dict[str, str]], reply: str, problem: str) -> list[dict[str, str]]:
    """Return the conversation extended with the invalid reply and a request to correct it."""
    correction = (
        f"That reply was not valid: {problem}. Reply again with the JSON object only, matching the keys asked for."
    )
    return [*messages, {"role": "assistant", "content": reply[:4000]}, {"role": "user", "content": correction}]


def parse_resume_json(text: str) -> ParsedResume:
    """Validate the model's reply against the schema and return it cleaned, or raise InvalidResume."""
    try:
        data = json.loads(_FENCE.sub("", text or ""))
    except json.JSONDecodeError as exc:
        raise InvalidResume(f"it is not JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise InvalidResume("it is not a JSON object")
    missing = [key for key in FIELDS if key not in data]
    if missing:
        raise InvalidResume(f"the object lacks {', '.join(missing)}")
    return ParsedResume(**{name: CLEANERS[name](data[name], strict=False) for name in FIELDS})


def parse_resume_offline(text: str) -> ParsedResume:
    """The offline heuristic: the known skills the text names, nothing else (the page labels it as rules, not AI)."""
    return ParsedResume(skills=find_skills(text[:PARSE_MAX_CHARS]))
