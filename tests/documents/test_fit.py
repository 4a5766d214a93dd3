"""The pure fit summary: skill keys and aliases, years from experience, the score formula, and its properties."""

from __future__ import annotations

import json
import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interview.documents.fit import (
    ALIASES_PATH,
    Experience,
    alias_table_from,
    canonical_skill,
    experience_years,
    fit_score,
    fit_summarise,
    mentions_skill,
    parse_resume_date,
    required_years_from,
    skill_key,
)

TODAY = date(2026, 12, 7)
KNOWN = ["Python", "PostgreSQL", "JavaScript", "Kubernetes", "C++", "C#", ".NET", "Node.js", "React", "Go", "Docker"]
UNKNOWN = ["Widget Forging", "Quux", "COBOL-85", "Haskell"]
SKILLS = st.sampled_from(KNOWN + UNKNOWN + ["Postgres", "JS", "k8s", "golang", "nodejs", "react.js", "CPP"])
SKILL_LISTS = st.lists(SKILLS, max_size=8)
YEARS = st.one_of(st.none(), st.integers(min_value=0, max_value=15).map(lambda n: f"{n}+"))
SPANS = st.lists(
    st.tuples(st.integers(2000, 2026), st.integers(1, 12), st.integers(0, 60)).map(
        lambda t: Experience(
            title="job", start=f"{t[0]}-{t[1]:02d}", end=None if t[2] == 0 else f"{min(t[0] + t[2] // 12, 2026)}-12"
        )
    ),
    max_size=4,
)


def _fit(resume_skills, required, years="5+", experience=()):
    return fit_summarise(
        resume_skills=resume_skills,
        experience=list(experience),
        required_skills=required,
        years_experience=years,
        today=TODAY,
    )


def _keys(labels):
    return {canonical_skill(label) for label in labels}


# --- skill keys and aliases -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Postgres", "PostgreSQL"),
        ("psql", "postgresql"),
        ("JS", "JavaScript"),
        ("ECMAScript", "javascript"),
        ("TS", "TypeScript"),
        ("k8s", "Kubernetes"),
        ("golang", "Go"),
        ("py", "Python"),
        ("React.js", "react"),
        ("ReactJS", "React"),
        ("node", "Node.js"),
        ("NodeJS", "node.js"),
        ("AWS", "Amazon Web Services"),
        ("GCP", "Google Cloud"),
        ("ML", "machine learning"),
        ("CI", "CI/CD"),
        ("ci-cd", "CI/CD"),
        ("Machine-Learning", "machine learning"),
        ("  PYTHON  ", "python"),
    ],
)
def test_canonical_skill_aliases_agree(a, b):
    assert canonical_skill(a) == canonical_skill(b)


@pytest.mark.parametrize(
    ("a", "b"), [("C", "C++"), ("C", "C#"), ("C++", "C#"), ("net", ".NET"), ("Java", "JavaScript")]
)
def test_canonical_skill_keeps_meaningful_punctuation_apart(a, b):
    assert canonical_skill(a) != canonical_skill(b)


def test_skill_key_keeps_plus_hash_and_leading_dot():
    assert (skill_key("C++"), skill_key("c#"), skill_key(".NET"), skill_key("Node.js")) == (
        "c++",
        "c#",
        ".net",
        "nodejs",
    )


def test_alias_file_has_at_least_sixty_aliases():
    data = json.loads(ALIASES_PATH.read_text(encoding="utf-8"))
    assert sum(len(v) for k, v in data.items() if not k.startswith("_")) >= 60


def test_alias_table_refuses_an_alias_of_two_skills():
    with pytest.raises(ValueError, match="alias of both"):
        alias_table_from({"Go": ["golang"], "Golang Tools": ["Go Lang"]})


def test_mentions_skill_finds_an_alias_as_a_whole_word():
    assert mentions_skill("How does k8s schedule pods?", "Kubernetes")


def test_mentions_skill_ignores_substrings():
    assert not mentions_skill("Describe a gopher you met", "Go")


def test_mentions_skill_keeps_c_sharp_and_cpp_apart():
    assert not mentions_skill("Explain C# generics", "C++")


# --- years --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-03", date(2019, 3, 1)),
        ("2019", date(2019, 1, 1)),
        ("03/2019", date(2019, 3, 1)),
        ("Mar 2019", date(2019, 3, 1)),
        ("March, 2019", date(2019, 3, 1)),
        ("2019-03-15", date(2019, 3, 1)),
    ],
)
def test_parse_resume_date_start_forms(value, expected):
    assert parse_resume_date(value, today=TODAY) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2019-12", date(2020, 1, 1)), ("2019", date(2020, 1, 1)), (None, TODAY), ("Present", TODAY)],
)
def test_parse_resume_date_end_forms(value, expected):
    assert parse_resume_date(value, today=TODAY, end=True) == expected


@pytest.mark.parametrize("value", ["soon", "2019-13", "13/2019", "Smarch 2019", "1850"])
def test_parse_resume_date_refuses_nonsense(value):
    assert parse_resume_date(value, today=TODAY) is None


def test_experience_years_counts_overlap_once():
    entries = [Experience("a", "2018-01", "2019-12"), Experience("b", "2019-01", "2020-12")]
    assert experience_years(entries, today=TODAY)[0] == 3.0


def test_experience_years_adds_disjoint_ranges():
    entries = [Experience("a", "2010", "2011"), Experience("b", "2015-01", "2015-12")]
    assert experience_years(entries, today=TODAY)[0] == 3.0


def test_experience_years_open_end_runs_to_today():
    assert experience_years([Experience("a", "2024-12", None)], today=date(2026, 12, 1))[0] == 2.0


def test_experience_years_reports_unparseable_dates():
    years, notes = experience_years([Experience("Barista", "once upon a time", "2020")], today=TODAY)
    assert years == 0.0
    assert "Barista" in notes[0] and "once upon a time" in notes[0]


def test_experience_years_reports_end_before_start():
    _, notes = experience_years([Experience("a", "2020", "2018")], today=TODAY)
    assert "ends before it starts" in notes[0]


@pytest.mark.parametrize(
    ("value", "skills", "expected"),
    [
        ("5+", [], 5.0),
        ("3-5 years", [], 3.0),
        (4, [], 4.0),
        ("", ["Python", "7+ years experience"], 7.0),
        (None, [], None),
        ("", [], None),
    ],
)
def test_required_years_from(value, skills, expected):
    assert required_years_from(value, skills) == expected


# --- the score -----------------------------------------------------------------------------------------


def test_fit_score_weights_skills_70_years_30():
    assert fit_score(matched=1, required=2, years=2.5, required_years=5) == 50


def test_fit_score_skills_alone_take_the_whole_scale():
    assert fit_score(matched=3, required=4, years=0, required_years=None) == 75


def test_fit_score_years_alone_take_the_whole_scale():
    assert fit_score(matched=0, required=0, years=4, required_years=8) == 50


def test_fit_score_none_without_skills_or_years():
    assert fit_score(matched=0, required=0, years=4, required_years=None) is None


def test_fit_score_zero_years_required_is_met():
    assert fit_score(matched=0, required=1, years=0, required_years=0) == 30


def test_fit_summarise_ignores_years_items_among_skills():
    assert _fit(["Python"], ["Python", "5+ years"], years="").missing == ()


# --- properties ----------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(SKILL_LISTS, SKILL_LISTS, YEARS, SPANS)
def test_property_score_in_range(have, required, years, spans):
    score = _fit(have, required, years, spans).score
    assert score is None or 0 <= score <= 100


@settings(max_examples=200, deadline=None)
@given(SKILL_LISTS, SKILL_LISTS, YEARS, SPANS, SKILLS)
def test_property_adding_a_matched_skill_never_lowers_the_score(have, required, years, spans, skill):
    before = _fit(have, required, years, spans).score
    after = _fit([*have, skill], [*required, skill], years, spans).score
    assert before is None or after >= before


@settings(max_examples=200, deadline=None)
@given(SKILL_LISTS, SKILL_LISTS, YEARS, SPANS)
def test_property_missing_and_matched_partition_required(have, required, years, spans):
    fit = _fit(have, required, years, spans)
    assert _keys(fit.matched) | _keys(fit.missing) == _keys(required)
    assert not _keys(fit.matched) & _keys(fit.missing)


@settings(max_examples=200, deadline=None)
@given(SKILL_LISTS, SKILL_LISTS, YEARS, SPANS, st.randoms(use_true_random=False))
def test_property_order_does_not_matter(have, required, years, spans, rnd: random.Random):
    shuffled = [list(x) for x in (have, required, spans)]
    for items in shuffled:
        rnd.shuffle(items)
    assert _fit(*shuffled[:2], years, shuffled[2]) == _fit(have, required, years, spans)


VARIANTS = {
    "PostgreSQL": ["postgres", "POSTGRESQL", "Postgre-SQL", " psql "],
    "JavaScript": ["js", "JS", "java script", "ECMAScript"],
    "Kubernetes": ["k8s", "K8S", "kubernetes!"],
    "Node.js": ["node", "nodejs", "NODE.JS", "node js"],
    "Widget Forging": ["widget-forging", "WIDGET FORGING", "widget_forging"],
}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(sorted(VARIANTS)), max_size=5),
    st.lists(st.sampled_from(sorted(VARIANTS)), max_size=5),
    st.data(),
)
def test_property_variants_give_identical_results(have, required, data):
    def vary(names):
        return [data.draw(st.sampled_from([name, *VARIANTS[name]])) for name in names]

    plain, varied = _fit(have, required), _fit(vary(have), vary(required))
    assert plain.score == varied.score
    assert (_keys(plain.matched), _keys(plain.missing), _keys(plain.extra)) == (
        _keys(varied.matched),
        _keys(varied.missing),
        _keys(varied.extra),
    )
