"""How well a resume fits a job listing: required skills matched and missing, years of experience, a 0-100 score.

Pure code: plain data in, a `FitSummary` out; no ORM, settings, clock or network (today is passed in), and
no model call. The score is computed from the listed skills and dates, never presented as AI judgement.

The score (documented in docs/architecture.md, "Fit between candidate and role"):
- skills part S = matched required skills / required skills (canonical, deduplicated);
- years part Y = min(1, candidate years / required years), and 1 when the listing asks for 0 years;
- score = round(70 * S + 30 * Y). A part the listing gives no data for is left out and the other part
  takes the whole 100 (no free points, no penalty); with neither, there is no score (None).
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any, Final

ALIASES_PATH: Final = Path(__file__).resolve().parent / "data" / "skill_aliases.json"
SKILLS_WEIGHT: Final = 70
YEARS_WEIGHT: Final = 30
MAX_YEARS: Final = 60.0
# "5+ years", "3-5 yrs of experience": a years requirement that parsing left among the skills.
_YEARS_ITEM: Final = re.compile(
    r"^\D{0,20}?(\d{1,2}(?:\.\d)?)\s*(?:\+|plus)?\s*(?:(?:-|–|to)\s*\d{1,2}\s*\+?\s*)?(?:years?|yrs?)\b", re.I
)
_NUMBER: Final = re.compile(r"\d{1,2}(?:\.\d+)?")
_PRESENT: Final = frozenset({"", "present", "current", "currently", "now", "today", "ongoing", "to date", "date"})
_MONTHS: Final = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
_ISO: Final = re.compile(r"^(\d{4})(?:[-/.](\d{1,2}))?(?:[-/.](\d{1,2}))?$")
_MONTH_YEAR: Final = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_NAMED: Final = re.compile(r"^([a-z]{3,9})\.?,?\s+(\d{4})$")


@dataclass(frozen=True)
class Experience:
    """One job on a resume: its title, and start and end as written (None or "present" for an open end)."""

    title: str = ""
    start: Any = None
    end: Any = None


@dataclass(frozen=True)
class FitSummary:
    """The fit of one resume to one listing; skills are shown by their canonical names, sorted."""

    matched: tuple[str, ...]
    missing: tuple[str, ...]
    extra: tuple[str, ...]
    years: float
    required_years: float | None
    score: int | None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def required_count(self) -> int:
        """How many distinct required skills the listing names."""
        return len(self.matched) + len(self.missing)


# --- skills -----------------------------------------------------------------------------------------


def skill_key(text: str) -> str:
    """The comparison key of a skill as written: casefolded, without spaces or punctuation.

    "+" and "#" are kept (C++, C#, F#) and so is a leading dot before a letter (.NET), so "C", "C++"
    and "C#" stay apart; the alias table then maps the key to its canonical skill.
    """
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    leading_dot = text.startswith(".") and len(text) > 1 and text[1].isalpha()
    kept = "".join(ch for ch in text if ch.isalnum() or ch in "+#")
    return f".{kept}" if leading_dot and kept else kept


@cache
def _alias_table() -> dict[str, str]:
    """Key of every spelling → canonical name, read once from the data file."""
    return alias_table_from(json.loads(ALIASES_PATH.read_text(encoding="utf-8")))


def alias_table_from(data: Mapping[str, Any]) -> dict[str, str]:
    """Build the key → canonical table; an alias claimed by two canonical names is an error."""
    table: dict[str, str] = {}
    for canonical, aliases in data.items():
        if canonical.startswith("_"):
            continue
        for spelling in [canonical, *aliases]:
            key = skill_key(spelling)
            if key and table.setdefault(key, canonical) != canonical:
                raise ValueError(f'"{spelling}" is an alias of both {table[key]} and {canonical}')
    return table


def canonical_skill(text: str) -> str:
    """The canonical key of a skill: the alias table's canonical name's key, else the skill's own key."""
    key = skill_key(text)
    canonical = _alias_table().get(key)
    return skill_key(canonical) if canonical else key


def skill_label(text: str) -> str:
    """The name to show for a skill: the alias table's canonical name, else the text as written (trimmed)."""
    return _alias_table().get(skill_key(text)) or " ".join(text.split())


def skill_spellings(text: str) -> tuple[str, ...]:
    """Every spelling the alias table knows for this skill (the text itself when it is unknown)."""
    canonical = _alias_table().get(skill_key(text))
    if canonical is None:
        return (text,)
    return tuple(name for name, target in _spelling_index() if target == canonical)


@cache
def _spelling_index() -> tuple[tuple[str, str], ...]:
    data = json.loads(ALIASES_PATH.read_text(encoding="utf-8"))
    return tuple((name, c) for c, aliases in data.items() if not c.startswith("_") for name in [c, *aliases])


def mentions_skill(text: str, skill: str) -> bool:
    """Whether the text names the skill (any known spelling) as a whole word or phrase, ignoring case."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    for spelling in skill_spellings(skill):
        words = [re.escape(w) for w in re.split(r"[\s\-_/]+", spelling.casefold()) if w]
        if words and re.search(r"(?<![\w+#.])" + r"[\s\-_/]*".join(words) + r"(?![\w+#]|\.\w)", folded):
            return True
    return False


def _by_key(skills: Iterable[str]) -> dict[str, str]:
    """Canonical key → label, first spelling wins; years items and empty keys are left out."""
    found: dict[str, str] = {}
    for skill in skills:
        if isinstance(skill, str) and not _YEARS_ITEM.match(skill.strip()) and (key := canonical_skill(skill)):
            found.setdefault(key, skill_label(skill))
    return found


def _sorted_labels(labels: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(labels, key=lambda label: (label.casefold(), label)))


# --- years ------------------------------------------------------------------------------------------


def parse_resume_date(value: Any, *, today: date, end: bool = False) -> date | None:
    """A resume date as the first day of its month (a year alone: of its year), or the day after it for an end.

    An end of None, "" or "present" is today. Returns None when the value is not understood.
    """
    if isinstance(value, date):
        return value
    if value is None:
        return today if end else None
    text = " ".join(str(value).casefold().replace("’", "'").split())
    if text in _PRESENT:
        return today if end else None
    year, month = _year_month(text)
    if year is None or not 1900 <= year <= 2200:
        return None
    if month is None:
        return date(year + 1, 1, 1) if end else date(year, 1, 1)
    if end:
        return date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return date(year, month, 1)


def _year_month(text: str) -> tuple[int | None, int | None]:
    if match := _ISO.match(text):
        month = int(match.group(2)) if match.group(2) else None
        return (int(match.group(1)), month) if month is None or 1 <= month <= 12 else (None, None)
    if match := _MONTH_YEAR.match(text):
        month = int(match.group(1))
        return (int(match.group(2)), month) if 1 <= month <= 12 else (None, None)
    if (match := _NAMED.match(text)) and (month := _MONTHS.get(match.group(1)[:3])):
        return int(match.group(2)), month
    return None, None


def experience_years(entries: Iterable[Experience], *, today: date) -> tuple[float, tuple[str, ...]]:
    """Years of experience from dated entries, overlapping ranges counted once; and notes on ignored entries.

    Ends after today count up to today; an entry whose dates are not understood, or end before they
    start, is ignored and named in the notes.
    """
    ranges: list[tuple[date, date]] = []
    notes: list[str] = []
    for entry in entries:
        start = parse_resume_date(entry.start, today=today)
        end = parse_resume_date(entry.end, today=today, end=True)
        name = f'"{entry.title}"' if entry.title else "an untitled entry"
        if start is None or end is None:
            which = "start" if start is None else "end"
            notes.append(
                f"Ignored {name}: its {which} date ({_shown(entry.start if start is None else entry.end)}) is not understood."
            )
        elif min(end, today) < start:
            notes.append(f"Ignored {name}: it ends before it starts or starts in the future.")
        else:
            ranges.append((start, min(end, today)))
    return round(_merged_days(ranges) / 365.25, 1), tuple(notes)


def _shown(value: Any) -> str:
    text = " ".join(str(value).split()) if value is not None else "missing"
    return f'"{text[:40]}"' if value is not None else text


def _merged_days(ranges: list[tuple[date, date]]) -> int:
    days, current_start, current_end = 0, None, None
    for start, end in sorted(ranges):
        if current_end is None or start > current_end:
            if current_start is not None and current_end is not None:
                days += (current_end - current_start).days
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_start is not None and current_end is not None:
        days += (current_end - current_start).days
    return days


def required_years_from(years_experience: Any, required_skills: Iterable[Any] = ()) -> float | None:
    """The listing's minimum years: its requirements' years_experience ("5+", "3-5", 4), else a "5+ years" skill item."""
    if isinstance(years_experience, int | float) and not isinstance(years_experience, bool):
        return min(max(float(years_experience), 0.0), MAX_YEARS)
    if isinstance(years_experience, str) and (match := _NUMBER.search(years_experience)):
        return min(float(match.group()), MAX_YEARS)
    found = [float(m.group(1)) for s in required_skills if isinstance(s, str) and (m := _YEARS_ITEM.match(s.strip()))]
    return min(max(found), MAX_YEARS) if found else None


# --- the summary ------------------------------------------------------------------------------------


def fit_score(*, matched: int, required: int, years: float, required_years: float | None) -> int | None:
    """The 0-100 score by the module's formula, halves rounded up; None when the listing names neither skills nor years.

    Exact fractions, so 82.5 is always 83 (binary floating point would sometimes give 82).
    """
    parts: list[tuple[int, Fraction]] = []
    if required > 0:
        parts.append((SKILLS_WEIGHT, Fraction(matched, required)))
    if required_years is not None:
        wanted = Fraction(str(required_years))
        parts.append((YEARS_WEIGHT, Fraction(1) if wanted <= 0 else min(Fraction(1), Fraction(str(years)) / wanted)))
    if not parts:
        return None
    total = sum(weight for weight, _ in parts)
    return math.floor(100 * sum(weight * value for weight, value in parts) / total + Fraction(1, 2))


def fit_summarise(
    *,
    resume_skills: Sequence[str],
    experience: Sequence[Experience],
    required_skills: Sequence[Any],
    years_experience: Any = None,
    today: date,
) -> FitSummary:
    """The fit summary of a resume's skills and experience against a listing's required skills and years."""
    required = _by_key(required_skills)
    have = _by_key(resume_skills)
    years, notes = experience_years(experience, today=today)
    required_years = required_years_from(years_experience, required_skills)
    matched = [label for key, label in required.items() if key in have]
    summary_notes = list(notes)
    if not required:
        summary_notes.append("The listing names no required skills: the score is from years alone.")
    if required_years is None:
        summary_notes.append("The listing names no years of experience: the score is from skills alone.")
    if not experience:
        summary_notes.append("The resume lists no dated experience: counted as 0 years.")
    return FitSummary(
        matched=_sorted_labels(matched),
        missing=_sorted_labels(label for key, label in required.items() if key not in have),
        extra=_sorted_labels(label for key, label in have.items() if key not in required),
        years=years,
        required_years=required_years,
        score=fit_score(matched=len(matched), required=len(required), years=years, required_years=required_years),
        notes=tuple(summary_notes),
    )
