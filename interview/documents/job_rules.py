"""Job listing parsing: the LLM's prompt, schema and output validation, and the plain-rules parser used offline.

Pure code: no ORM, settings, clock or network. The rules parser is used when no LLM is configured,
and its result says so (`requirements["parsed_by"] = "rules"`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from interview.core.fence import fence, fence_rules, new_nonce

SENIORITY_LEVELS: Final = ("entry", "mid", "senior", "lead", "executive")
RULES_PARSER: Final = "rules"

# Canonical skill name, then aliases; matched case-insensitively as whole words.
_SKILLS: Final = """
Python|Django|Flask|FastAPI|Java|Spring|Kotlin|Scala|JavaScript|TypeScript|Node.js,node,nodejs|React,react.js,reactjs
Angular|Vue.js,vue,vuejs|Next.js,nextjs|HTML,html5|CSS,css3|Sass,scss|Tailwind,tailwindcss|jQuery|PHP|Laravel|Ruby
Ruby on Rails,rails|Golang|Rust|C++|C#|.NET,dotnet,asp.net|Swift|Objective-C|SQL|PostgreSQL,postgres|MySQL|SQLite
Oracle|SQL Server,mssql|MongoDB,mongo|Redis|Elasticsearch|Cassandra|DynamoDB|Kafka|RabbitMQ|Celery|GraphQL
REST,rest api,rest apis,restful|gRPC|AWS,amazon web services|Azure|GCP,google cloud|Docker|Kubernetes,k8s|Terraform
Ansible|Jenkins|GitHub Actions|CI/CD,continuous integration|Git|Linux|Bash,shell scripting|Microservices
Machine Learning,ml|Deep Learning|NLP,natural language processing|LLM,llms,large language models|TensorFlow|PyTorch
scikit-learn,sklearn|Pandas|NumPy|Spark,apache spark|Hadoop|Airflow|dbt|Data Analysis|Data Engineering|ETL
Tableau|Power BI|Excel|Statistics|Agile|Scrum|Kanban|Jira|TDD,test-driven development|Unit Testing
Selenium|Cypress|Jest|pytest|OAuth|Cybersecurity,security|Networking|System Design|Distributed Systems
Project Management|Product Management|Stakeholder Management|Communication|Leadership|Mentoring,mentorship
Figma|UX,user experience|UI Design|Salesforce|SAP|Android|iOS|Flutter|React Native|Embedded Systems|Unity
"""


def _skill_patterns() -> list[tuple[str, re.Pattern[str]]]:
    patterns = []
    for entry in re.split(r"[|\n]", _SKILLS):
        names = [name.strip() for name in entry.split(",") if name.strip()]
        if names:
            alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
            patterns.append((names[0], re.compile(rf"(?<![\w.+#-])(?:{alternatives})(?![\w+#]|\.\w)", re.I)))
    return patterns


SKILL_PATTERNS: Final = _skill_patterns()

# Checked in this order against the title; the first match decides.
_TITLE_LEVELS: Final = (
    ("executive", r"chief|cto|cio|ceo|vp|vice[- ]president|director|head of|executive"),
    ("lead", r"lead|principal|staff|architect|manager"),
    ("senior", r"senior|sr\.?"),
    ("entry", r"junior|jr\.?|entry[- ]level|intern|internship|graduate|trainee|apprentice"),
    ("mid", r"mid|mid[- ]level|intermediate"),
)
# The body mentions "lead" and "manage" as verbs, so only unambiguous phrases count there.
_BODY_LEVELS: Final = (
    ("executive", r"vice[- ]president|director level|c-level|executive leadership"),
    ("lead", r"tech(?:nical)? lead|team lead|principal engineer|staff engineer|lead engineer|lead developer"),
    ("senior", r"senior[- ]level|senior engineer|senior developer"),
    ("entry", r"entry[- ]level|junior|new grad(?:uate)?s?|internship"),
    ("mid", r"mid[- ]level|intermediate"),
)
_YEARS: Final = re.compile(
    r"(?<!\d)(\d{1,2})\s*(?:\+|plus)?\s*(?:(?:-|–|to)\s*(\d{1,2})\s*\+?\s*)?(?:years?|yrs?)\b", re.I
)
_EDUCATION: Final = re.compile(
    r"\b(?:bachelor'?s?|master'?s?|ph\.?\s?d|doctorate|degree|b\.?\s?sc?|m\.?\s?sc|mba|diploma)\b", re.I
)
_CERTIFICATION: Final = re.compile(
    r"\b(?:certified|certification|certificate|pmp|cissp|cpa|cka|ckad|itil|comptia|scrum master)\b", re.I
)
_RESPONSIBILITY_HEADING: Final = re.compile(
    r"responsibilit|what you(?:'ll| will) do|duties|your role|the role|day to day", re.I
)
_BULLET: Final = re.compile(r"^\s*(?:[-*•·▪◦]|\d{1,2}[.)])\s+")
_MAX_LIST: Final = 10
_MAX_ITEM_CHARS: Final = 300


@dataclass(frozen=True)
class ParsedJob:
    """What parsing found in a job listing, in the model's field shapes."""

    required_skills: list[str]
    seniority_level: str
    requirements: dict[str, Any] = field(default_factory=dict)


def find_skills(text: str) -> list[str]:
    """Return the known skills the text mentions, in order of first mention."""
    found = [(match.start(), name) for name, pattern in SKILL_PATTERNS if (match := pattern.search(text))]
    return [name for _, name in sorted(found)]


def find_years_experience(text: str) -> int | None:
    """Return the largest minimum number of years of experience the text asks for (None when it names none)."""
    years = [int(match.group(1)) for match in _YEARS.finditer(text) if int(match.group(1)) <= 40]
    return max(years) if years else None


def seniority_from_years(years: int) -> str:
    """Map years of experience to a level by the spec's bands (entry 0-2, mid 2-5, senior 5-8, lead 8-12)."""
    for limit, level in ((2, "entry"), (5, "mid"), (8, "senior"), (12, "lead")):
        if years < limit:
            return level
    return "executive"


def find_seniority(title: str, text: str) -> str:
    """Return the seniority: title words (or a title-like first line), else years asked, else body phrases, else mid."""
    first_line = text.strip().splitlines()[0].strip() if text.strip() else ""
    # A pasted listing often starts with the job title; a first line that is a sentence is not one.
    heading = title if len(first_line) > 80 or first_line.endswith(".") else f"{title}\n{first_line}"
    level = _first_level(_TITLE_LEVELS, heading)
    if level:
        return level
    years = find_years_experience(text)
    if years is not None:
        return seniority_from_years(years)
    return _first_level(_BODY_LEVELS, text) or "mid"


def find_requirements(text: str) -> dict[str, Any]:
    """Return education, years of experience, certifications and responsibilities found by plain rules."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    years = find_years_experience(text)
    return {
        "education": _matching_lines(lines, _EDUCATION),
        "years_experience": f"{years}+" if years is not None else "",
        "certifications": _matching_lines(lines, _CERTIFICATION),
        "responsibilities": _section_items(lines, _RESPONSIBILITY_HEADING),
    }


def parse_job_offline(*, title: str, content: str) -> ParsedJob:
    """Parse a job listing with rules alone; `requirements["parsed_by"]` records that rules were used."""
    requirements = find_requirements(content)
    requirements["parsed_by"] = RULES_PARSER
    return ParsedJob(
        required_skills=find_skills(f"{title}\n{content}"),
        seniority_level=find_seniority(title, content),
        requirements=requirements,
    )


def _first_level(levels: tuple[tuple[str, str], ...], text: str) -> str:
    for level, words in levels:
        if re.search(rf"(?<![\w-])(?:{words})(?![\w-])", text, re.I):
            return level
    return ""


def _matching_lines(lines: list[str], pattern: re.Pattern[str]) -> list[str]:
    items: list[str] = []
    for line in lines:
        item = _BULLET.sub("", line).strip()[:_MAX_ITEM_CHARS]
        if pattern.search(line) and item and item not in items:
            items.append(item)
    return items[:_MAX_LIST]


def _section_items(lines: list[str], heading: re.Pattern[str]) -> list[str]:
    """Bullet or plain lines under a matching heading, up to the next heading."""
    items: list[str] = []
    inside = False
    for line in lines:
        if _is_heading(line):
            inside = bool(heading.search(line))
            continue
        if inside:
            item = _BULLET.sub("", line).strip()[:_MAX_ITEM_CHARS]
            if item:
                items.append(item)
    return items[:_MAX_LIST]


def _is_heading(line: str) -> bool:
    if _BULLET.match(line) or len(line) > 80:
        return False
    return line.startswith("#") or line.endswith(":") or (line.isupper() and len(line) > 3)


# --- the LLM's side ---------------------------------------------------------------------------

LEVEL_YEARS: Final[Mapping[str, str]] = {
    "entry": "0-2 years",
    "mid": "2-5 years",
    "senior": "5-8 years",
    "lead": "8-12 years",
    "executive": "12+ years",
}
PROMPT_MAX_CHARS: Final = 12_000
TITLE_MAX_CHARS: Final = 300
MAX_SKILLS: Final = 40
_STRING_LIST: Final = {"type": "array", "items": {"type": "string"}}
JOB_PARSE_SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["required_skills", "seniority_level", "requirements"],
    "properties": {
        "required_skills": _STRING_LIST,
        "seniority_level": {"type": "string", "enum": list(SENIORITY_LEVELS)},
        "requirements": {
            "type": "object",
            "additionalProperties": False,
            "required": ["education", "years_experience", "certifications", "responsibilities"],
            "properties": {
                "education": _STRING_LIST,
                "years_experience": {"type": "string"},
                "certifications": _STRING_LIST,
                "responsibilities": _STRING_LIST,
            },
        },
    },
}
_FENCE: Final = re.compile(r"^\s*```(?:json)?\s*|\s*```\s*$", re.I)


class InvalidJobParse(ValueError):
    """The model's reply does not match the schema; the message says where."""


def build_job_parse_messages(*, title: str, content: str, nonce: str | None = None) -> list[dict[str, str]]:
    """Return the chat messages asking a model to parse a job listing into the schema's JSON.

    The title and the listing are fenced as untrusted data with one nonce per prompt (random unless given).
    """
    nonce = nonce or new_nonce()
    levels = ", ".join(f'"{level}" ({years})' for level, years in LEVEL_YEARS.items())
    system = (
        "You extract structured facts from a job listing for an interview-practice tool.\n"
        f"{fence_rules(nonce)}\n"
        "Reply with one JSON object only, with these keys:\n"
        "- required_skills: the concrete skills, tools and technologies the role needs, short names, at most "
        f"{MAX_SKILLS};\n"
        f"- seniority_level: one of {levels};\n"
        "- requirements: an object with education (list of strings), years_experience (a string such as "
        '"5+" or "3-5", or "" when not stated), certifications (list of strings) and responsibilities '
        "(list of short strings).\n"
        "Use empty lists and empty strings for anything the listing does not state; do not invent facts."
    )
    user = (
        "The listing's title:\n"
        + fence("JOB TITLE", title or "(none)", nonce=nonce, limit=TITLE_MAX_CHARS)
        + "\nThe listing:\n"
        + fence("JOB LISTING", content, nonce=nonce, limit=PROMPT_MAX_CHARS)
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def build_retry_messages(messages: list[dict[str, str]], reply: str, problem: str) -> list[dict[str, str]]:
    """Return the conversation extended with the invalid reply and a request to correct it."""
    correction = (
        f"That reply was not valid: {problem}. Reply again with the JSON object only, matching the keys asked for."
    )
    return [*messages, {"role": "assistant", "content": reply[:4000]}, {"role": "user", "content": correction}]


def parse_job_json(text: str, *, parsed_by: str) -> ParsedJob:
    """Validate the model's reply against the schema and return it normalised, or raise InvalidJobParse."""
    try:
        data = json.loads(_FENCE.sub("", text or ""))
    except json.JSONDecodeError as exc:
        raise InvalidJobParse(f"it is not JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise InvalidJobParse("it is not a JSON object")
    _require_keys(data, ("required_skills", "seniority_level", "requirements"), "the object")
    level = data["seniority_level"]
    if not isinstance(level, str) or level.strip().lower() not in SENIORITY_LEVELS:
        raise InvalidJobParse(f"seniority_level must be one of {', '.join(SENIORITY_LEVELS)}")
    requirements = data["requirements"]
    if not isinstance(requirements, dict):
        raise InvalidJobParse("requirements must be an object")
    _require_keys(requirements, ("education", "years_experience", "certifications", "responsibilities"), "requirements")
    years = requirements["years_experience"]
    if isinstance(years, bool) or not isinstance(years, str | int | None):
        raise InvalidJobParse("requirements.years_experience must be a string")
    return ParsedJob(
        required_skills=_string_list(data["required_skills"], "required_skills", MAX_SKILLS),
        seniority_level=level.strip().lower(),
        requirements={
            "education": _string_list(requirements["education"], "requirements.education"),
            "years_experience": "" if years is None else str(years).strip()[:50],
            "certifications": _string_list(requirements["certifications"], "requirements.certifications"),
            "responsibilities": _string_list(requirements["responsibilities"], "requirements.responsibilities"),
            "parsed_by": parsed_by,
        },
    )


def _require_keys(data: dict[str, Any], keys: tuple[str, ...], where: str) -> None:
    missing = [key for key in keys if key not in data]
    if missing:
        raise InvalidJobParse(f"{where} lacks {', '.join(missing)}")


def _string_list(value: Any, name: str, limit: int = 20) -> list[str]:
    """A list of distinct, trimmed, non-empty strings (case-insensitively distinct), at most `limit` long."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidJobParse(f"{name} must be a list of strings")
    items: list[str] = []
    seen: set[str] = set()
    for item in value:
        cleaned = " ".join(item.split())[:_MAX_ITEM_CHARS]
        if cleaned and cleaned.lower() not in seen:
            seen.add(cleaned.lower())
            items.append(cleaned)
    return items[:limit]
