"""Which interview template suits a job listing: by seniority → difficulty, then by tags shared with its skills,
then (when a candidate's resume is known) by how many of the candidate's missing skills it probes.

Pure code: templates come in as plain candidates, and the answer is a template id (or None).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from interview.documents.fit import mentions_skill

# The spec's table: seniority level → the template difficulties (1-5) that suit it, inclusive.
SENIORITY_DIFFICULTY: Final[Mapping[str, tuple[int, int]]] = {
    "entry": (1, 2),
    "mid": (2, 3),
    "senior": (3, 4),
    "lead": (4, 5),
    "executive": (3, 5),
}
_WORDS: Final = re.compile(r"[a-z0-9+#]+")


@dataclass(frozen=True)
class TemplateCandidate:
    """A template the user may use, reduced to what scoring needs."""

    id: int
    difficulty: int
    tags: frozenset[str] = frozenset()
    # What the template asks about: its tags and its questions' text and tags, searched for missing skills.
    probe_text: str = ""


def difficulty_distance(difficulty: int, seniority: str) -> int:
    """How far a difficulty lies outside the seniority's range (0 inside it)."""
    low, high = SENIORITY_DIFFICULTY[seniority]
    return max(low - difficulty, 0, difficulty - high)


def tag_overlap(tags: Iterable[str], skills: Sequence[str]) -> int:
    """Count the tags that match a skill: equal ignoring case, or one's words all within the other's."""
    skill_words = [_words(skill) for skill in skills]
    count = 0
    for tag in tags:
        words = _words(tag)
        if words and any(words <= skill or (skill and skill <= words) for skill in skill_words):
            count += 1
    return count


def probe_count(candidate: TemplateCandidate, missing_skills: Sequence[str]) -> int:
    """Count the missing skills the template probes: named (any alias) in its tags or its questions."""
    text = "\n".join([*sorted(candidate.tags), candidate.probe_text])
    return sum(1 for skill in missing_skills if mentions_skill(text, skill))


def recommend_template(
    candidates: Iterable[TemplateCandidate],
    *,
    seniority: str,
    skills: Sequence[str],
    missing_skills: Sequence[str] = (),
) -> int | None:
    """Return the best candidate's id: nearest the seniority's difficulty range, then most tag overlap.

    Among candidates equal on both, the one probing more of the candidate's missing skills wins; then
    the difficulty nearest the middle of the range, then the lowest id. Returns None for no candidates
    or an unknown seniority.
    """
    if seniority not in SENIORITY_DIFFICULTY:
        return None
    low, high = SENIORITY_DIFFICULTY[seniority]
    middle = (low + high) / 2

    def rank(candidate: TemplateCandidate) -> tuple[int, int, int, float, int]:
        return (
            difficulty_distance(candidate.difficulty, seniority),
            -tag_overlap(candidate.tags, skills),
            -probe_count(candidate, missing_skills) if missing_skills else 0,
            abs(candidate.difficulty - middle),
            candidate.id,
        )

    best = min(candidates, key=rank, default=None)
    return best.id if best is not None else None


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORDS.findall(text.lower()))
