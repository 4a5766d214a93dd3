"""The matcher: whole words and phrases, case and punctuation variants, and the seeded library."""

from __future__ import annotations

import pytest

from interview.fairness.check import Term, distinct_terms, text_check
from tests.fairness.helpers import ORDINARY_FEEDBACK, in_context, seeded_entries, seeded_terms

TERMS = seeded_terms()
BLOCKING = [t for t in TERMS if t.severity == "block"]


def _found(text: str) -> list[str]:
    return [f.term for f in text_check(text, TERMS)]


def test_library_seed_has_at_least_120_terms_in_every_category():
    entries = seeded_entries()
    assert len(entries) >= 120
    assert {e["category"] for e in entries} == {
        "age", "gender", "pregnancy_family", "ethnicity", "religion", "disability", "orientation", "appearance",
        "accent",
    }  # fmt: skip
    assert all(e["severity"] in {"block", "warn"} and e["explanation"].strip() for e in entries)


def test_library_seed_terms_are_unique_ignoring_case():
    terms = [e["term"].lower() for e in seeded_entries()]
    assert len(terms) == len(set(terms))


@pytest.mark.parametrize("term", [t.term for t in BLOCKING])
def test_check_every_blocking_term_is_blocked_in_context(term):
    flags = text_check(in_context(term), TERMS)
    assert term in [f.term for f in flags if f.severity == "block"]


@pytest.mark.parametrize("sentence", ORDINARY_FEEDBACK)
def test_check_ordinary_feedback_is_not_blocked(sentence):
    assert [f.term for f in text_check(sentence, TERMS) if f.severity == "block"] == []


def test_check_ordinary_feedback_has_fifty_sentences():
    assert len(ORDINARY_FEEDBACK) == 50


@pytest.mark.parametrize("pronoun", ["he", "she", "him", "her", "his", "hers", "they", "them", "their"])
def test_check_pronoun_alone_is_never_flagged(pronoun):
    assert _found(f"I asked {pronoun} about the schema, and {pronoun.capitalize()} answered.") == []


def test_check_substring_is_not_a_match():
    assert _found("Page, manager, image, damage, outage, heritage, stage, teenage") == []


def test_check_old_school_is_not_age_but_too_old_is():
    assert _found("an old school approach") == []
    assert _found("he is too old for this team") == ["too old"]


def test_check_is_case_insensitive():
    assert _found("Frankly TOO OLD for us") == ["too old"]


def test_check_phrase_matches_any_whitespace_or_hyphen():
    assert _found("she is too\n   old") == ["too old"]
    assert _found("quite good-looking") == ["good looking"]


def test_check_typographic_apostrophe_matches():
    assert _found("this is a boys’ club") == ["boys' club"]


def test_check_possessive_matches_the_word():
    assert _found("the girl's answer") == ["girl"]


def test_check_longest_phrase_wins():
    assert _found("he has a thick accent") == ["thick accent"]


def test_check_positions_index_the_original_text():
    text = "Note: “too old” for this."
    (flag,) = text_check(text, TERMS)
    assert text[flag.start : flag.end] == "too old"


def test_check_unicode_letters_are_word_characters():
    terms = [Term("gay", "orientation", "block", "x")]
    assert text_check("gayé", terms) == []
    assert [f.term for f in text_check("é gay", terms)] == ["gay"]


def test_distinct_terms_puts_blocking_first_once_each():
    flags = text_check("overqualified, too old, too old", TERMS)
    assert [f.term for f in distinct_terms(flags)] == ["too old", "overqualified"]


def test_check_empty_library_flags_nothing():
    assert text_check("too old", []) == []
