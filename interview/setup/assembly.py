"""Key-question assembly: split a count by difficulty, pick questions from a pool, check LLM proposals.

Pure code: the question pool, percentages, tags, seed and time limits all come in as plain data, so
the same inputs always give the same interview.
"""

from __future__ import annotations

import json
import random
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from interview.core.fence import fence, fence_rules, new_nonce

KeyQuestion = dict[str, Any]
TagMatch = Literal["any", "all"]

EASY, MEDIUM, HARD = "easy", "medium", "hard"
DIFFICULTIES: tuple[str, ...] = (EASY, MEDIUM, HARD)


@dataclass(frozen=True)
class PoolQuestion:
    """One question that assembly may pick: its id, text, difficulty, tag names and guidance (may be empty)."""

    id: int
    text: str
    difficulty: str
    tags: frozenset[str] = field(default_factory=frozenset)
    guidance: str = ""


@dataclass(frozen=True)
class Shortage:
    """One difficulty the pool cannot fill: how many questions it needs and how many it has."""

    difficulty: str
    needed: int
    available: int


class ShortageError(ValueError):
    """The pool cannot supply the requested split; the message names every short difficulty."""

    def __init__(self, shortages: Sequence[Shortage], tags: Collection[str] = (), match: TagMatch = "any") -> None:
        self.shortages = tuple(shortages)
        self.tags = tuple(sorted(tags, key=str.casefold))
        super().__init__(describe_shortages(self.shortages, self.tags, match))


def describe_shortages(shortages: Sequence[Shortage], tags: Sequence[str] = (), match: TagMatch = "any") -> str:
    """Say what is missing, e.g. "Not enough questions: needs 4 hard questions tagged #python, has 2."."""
    joiner = " and " if match == "all" else " or "
    tagged = f" tagged {joiner.join('#' + t for t in tags)}" if tags else ""
    parts = [
        f"needs {s.needed} {s.difficulty} question{'' if s.needed == 1 else 's'}{tagged}, has {s.available}"
        for s in shortages
    ]
    return "Not enough questions: " + "; ".join(parts) + "."


def largest_remainder(total: int, percentages: Sequence[int]) -> list[int]:
    """Split `total` in proportion to `percentages`; the parts always sum to `total` (ties go to the earlier share)."""
    if total < 0:
        raise ValueError("The total must not be negative.")
    if any(p < 0 for p in percentages):
        raise ValueError("Percentages must not be negative.")
    weight = sum(percentages)
    if weight <= 0:
        raise ValueError("At least one percentage must be positive.")
    counts = [total * p // weight for p in percentages]
    remainders = [total * p % weight for p in percentages]
    # sorted() is stable, so equal remainders keep their order: the earlier share wins the tie.
    by_remainder = sorted(range(len(percentages)), key=lambda i: remainders[i], reverse=True)
    for index in by_remainder[: total - sum(counts)]:
        counts[index] += 1
    return counts


def split_by_difficulty(count: int, percentages: Mapping[str, int]) -> dict[str, int]:
    """Return how many easy, medium and hard questions make up `count` (percentages must sum to 100)."""
    shares = [int(percentages.get(d, 0)) for d in DIFFICULTIES]
    if sum(shares) != 100:
        raise ValueError(f"Easy, medium and hard percentages must add up to 100 (they add up to {sum(shares)}).")
    return dict(zip(DIFFICULTIES, largest_remainder(count, shares), strict=True))


def percentages_for_level(level: int) -> dict[str, int]:
    """A difficulty mix for a chat's 1-10 difficulty, for assembling without a template."""
    if level <= 2:
        return {EASY: 70, MEDIUM: 30, HARD: 0}
    if level <= 4:
        return {EASY: 50, MEDIUM: 40, HARD: 10}
    if level <= 6:
        return {EASY: 25, MEDIUM: 50, HARD: 25}
    if level <= 8:
        return {EASY: 10, MEDIUM: 40, HARD: 50}
    return {EASY: 0, MEDIUM: 30, HARD: 70}


def tag_key(name: str) -> str:
    """Compare tags as the database does: no '#', collapsed whitespace, any case."""
    return " ".join(name.strip().lstrip("#").split()).casefold()


def matches_tags(question_tags: Iterable[str], tags: Collection[str], match: TagMatch = "any") -> bool:
    """Whether a question carries any (or all) of `tags`; no tags means every question matches."""
    if not tags:
        return True
    have = {tag_key(t) for t in question_tags}
    wanted = {tag_key(t) for t in tags}
    return wanted <= have if match == "all" else bool(wanted & have)


def assemble(
    questions: Iterable[PoolQuestion],
    *,
    count: int,
    percentages: Mapping[str, int],
    tags: Collection[str],
    seed: int,
    time_limits: Mapping[str, int],
    match: TagMatch = "any",
) -> list[KeyQuestion]:
    """Pick `count` distinct questions split by `percentages`, easy first; raise ShortageError naming every gap."""
    if count < 1:
        raise ValueError("An interview needs at least one question.")
    needed = split_by_difficulty(count, percentages)
    pools = _pools(questions, tags, match)
    shortages = [Shortage(d, needed[d], len(pools[d])) for d in DIFFICULTIES if len(pools[d]) < needed[d]]
    if shortages:
        raise ShortageError(shortages, tags, match)
    rng = random.Random(seed)
    picked = [q for d in DIFFICULTIES for q in rng.sample(pools[d], needed[d])]
    return [key_question(q, time_limits) for q in picked]


def assemble_lenient(
    questions: Iterable[PoolQuestion],
    *,
    count: int,
    percentages: Mapping[str, int],
    seed: int,
    time_limits: Mapping[str, int],
) -> list[KeyQuestion]:
    """Like assemble(), but fills a short difficulty from the nearest other one (fewer if the pool is small).

    Only for the fallback without a template, where any sensible interview beats an error.
    """
    needed = split_by_difficulty(count, percentages)
    pools = _pools(questions, (), "any")
    rng = random.Random(seed)
    chosen: dict[str, list[PoolQuestion]] = {d: [] for d in DIFFICULTIES}
    for d in DIFFICULTIES:
        rng.shuffle(pools[d])
        chosen[d] = pools[d][: needed[d]]
        del pools[d][: needed[d]]
    for d in DIFFICULTIES:
        missing = needed[d] - len(chosen[d])
        for other in sorted(DIFFICULTIES, key=lambda o: abs(DIFFICULTIES.index(o) - DIFFICULTIES.index(d))):
            take = pools[other][:missing]
            del pools[other][:missing]
            chosen[other].extend(take)
            missing -= len(take)
    return [key_question(q, time_limits) for d in DIFFICULTIES for q in chosen[d]]


def key_question(question: PoolQuestion, time_limits: Mapping[str, int]) -> KeyQuestion:
    """The key-question dict stored on a chat for a picked question; "guidance" only when the question has some."""
    if question.difficulty not in time_limits:
        raise ValueError(f"No time limit is configured for {question.difficulty} questions.")
    picked: KeyQuestion = {
        "question": question.text,
        "time_limit": int(time_limits[question.difficulty]),
        "difficulty": question.difficulty,
        "question_id": question.id,
        "tags": sorted(question.tags, key=str.casefold),
    }
    if question.guidance.strip():
        picked["guidance"] = question.guidance.strip()
    return picked


def _pools(questions: Iterable[PoolQuestion], tags: Collection[str], match: TagMatch) -> dict[str, list[PoolQuestion]]:
    """Matching questions by difficulty, ordered by id, without repeated ids or repeated texts."""
    pools: dict[str, list[PoolQuestion]] = {d: [] for d in DIFFICULTIES}
    seen_ids: set[int] = set()
    seen_texts: set[str] = set()
    for question in sorted(questions, key=lambda q: (q.id, q.difficulty, q.text)):
        text = " ".join(question.text.split()).casefold()
        if question.id in seen_ids or text in seen_texts or question.difficulty not in pools:
            continue
        if not text or not matches_tags(question.tags, tags, match):
            continue
        seen_ids.add(question.id)
        seen_texts.add(text)
        pools[question.difficulty].append(question)
    return pools


# --- Key questions proposed by an LLM ------------------------------------------------------------

MIN_PROPOSED, MAX_PROPOSED = 3, 15
MIN_TIME_LIMIT, MAX_TIME_LIMIT = 30, 900
QUESTION_MAX_CHARS = 1000
DOCUMENT_MAX_CHARS = 6000

INTERVIEW_TYPE_FOCUS = {
    "GEN": "a general interview: background, motivation, problem solving and communication",
    "SKL": "an industry-skills interview: technical and domain knowledge for the role",
    "PER": "a personality and culture-fit interview: behavioural questions best answered in STAR form",
    "FIN": "a final screening: motivation, expectations, judgement and leadership",
}

KEY_QUESTIONS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "questions": {
            "type": "array",
            "minItems": MIN_PROPOSED,
            "maxItems": MAX_PROPOSED,
            "items": {
                "type": "object",
                "properties": {
                    "question": {"type": "string", "minLength": 1, "maxLength": QUESTION_MAX_CHARS},
                    "time_limit": {"type": "integer", "minimum": MIN_TIME_LIMIT, "maximum": MAX_TIME_LIMIT},
                    "difficulty": {"type": "string", "enum": list(DIFFICULTIES)},
                },
                "required": ["question", "time_limit", "difficulty"],
                "additionalProperties": False,
            },
        }
    },
    "required": ["questions"],
    "additionalProperties": False,
}


class InvalidProposal(ValueError):
    """An LLM reply that is not the JSON the schema asks for; the message says what is wrong."""


def build_key_question_messages(
    *,
    interview_type: str,
    difficulty: int,
    count: int,
    resume_text: str = "",
    job_text: str = "",
    nonce: str | None = None,
) -> list[dict[str, str]]:
    """The chat messages asking a model to propose `count` timed key questions as JSON, documents fenced as data."""
    nonce = nonce or new_nonce()
    focus = INTERVIEW_TYPE_FOCUS.get(interview_type, INTERVIEW_TYPE_FOCUS["GEN"])
    system = (
        "You prepare mock job interviews. Propose the key questions an interviewer will ask, one at a time, "
        f"each with a time limit in seconds ({MIN_TIME_LIMIT}-{MAX_TIME_LIMIT}) that suits the depth of answer "
        "it needs, and its difficulty (easy, medium or hard). Reply with JSON only: "
        '{"questions": [{"question": "...", "time_limit": 180, "difficulty": "medium"}]}.\n' + fence_rules(nonce)
    )
    parts = [f"Propose exactly {count} key questions for {focus}, at difficulty {difficulty} on a scale of 1 to 10."]
    if job_text.strip():
        parts.append(
            "The job listing:\n" + fence("JOB LISTING", job_text.strip(), nonce=nonce, limit=DOCUMENT_MAX_CHARS)
        )
    if resume_text.strip():
        parts.append(
            "The candidate's resume:\n" + fence("RESUME", resume_text.strip(), nonce=nonce, limit=DOCUMENT_MAX_CHARS)
        )
    return [{"role": "system", "content": system}, {"role": "user", "content": "\n\n".join(parts)}]


def correction_messages(messages: list[dict[str, str]], reply: str, problem: str) -> list[dict[str, str]]:
    """The messages for a second attempt: the invalid reply and what was wrong with it."""
    note = f"That reply was not valid: {problem} Reply again with the JSON object only."
    return [*messages, {"role": "assistant", "content": reply[:4000]}, {"role": "user", "content": note}]


def parse_proposed_questions(text: str) -> list[KeyQuestion]:
    """Check an LLM reply against KEY_QUESTIONS_SCHEMA and return its key questions, or raise InvalidProposal."""
    try:
        data = json.loads(_strip_code_fence(text))
    except ValueError:
        raise InvalidProposal("The reply is not JSON.") from None
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        raise InvalidProposal('The reply must be an object with a "questions" list.')
    items = data["questions"]
    if not MIN_PROPOSED <= len(items) <= MAX_PROPOSED:
        raise InvalidProposal(f"It must hold {MIN_PROPOSED} to {MAX_PROPOSED} questions, not {len(items)}.")
    return [_proposed_question(position, item) for position, item in enumerate(items, start=1)]


def _proposed_question(position: int, item: Any) -> KeyQuestion:
    if not isinstance(item, dict):
        raise InvalidProposal(f"Question {position} is not an object.")
    text, limit, difficulty = item.get("question"), item.get("time_limit"), item.get("difficulty", MEDIUM)
    if not isinstance(text, str) or not text.strip() or len(text) > QUESTION_MAX_CHARS:
        raise InvalidProposal(f"Question {position} needs a question text of 1 to {QUESTION_MAX_CHARS} characters.")
    if isinstance(limit, float) and limit.is_integer():
        limit = int(limit)
    if isinstance(limit, bool) or not isinstance(limit, int) or not MIN_TIME_LIMIT <= limit <= MAX_TIME_LIMIT:
        raise InvalidProposal(
            f"Question {position} needs a time_limit from {MIN_TIME_LIMIT} to {MAX_TIME_LIMIT} seconds."
        )
    if difficulty not in DIFFICULTIES:
        raise InvalidProposal(f"Question {position} has an unknown difficulty {difficulty!r}.")
    return {"question": text.strip(), "time_limit": limit, "difficulty": difficulty}


def _strip_code_fence(text: str) -> str:
    """Models without JSON mode sometimes wrap JSON in a ``` fence; accept that, nothing looser."""
    stripped = text.strip()
    if stripped.startswith("```") and stripped.endswith("```"):
        stripped = stripped[3:-3]
        stripped = stripped[4:] if stripped.startswith("json") else stripped
    return stripped.strip()
