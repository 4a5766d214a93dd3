"""The pure template recommendation: the spec's seniority → difficulty table, then tag overlap."""

from __future__ import annotations

import pytest

from interview.documents.recommend import (
    SENIORITY_DIFFICULTY,
    TemplateCandidate,
    difficulty_distance,
    probe_count,
    recommend_template,
    tag_overlap,
)

ALL_LEVELS = [TemplateCandidate(id=level, difficulty=level) for level in range(1, 6)]


@pytest.mark.parametrize(
    ("seniority", "expected"),
    [("entry", (1, 2)), ("mid", (2, 3)), ("senior", (3, 4)), ("lead", (4, 5)), ("executive", (3, 5))],
)
def test_table_matches_spec(seniority, expected):
    assert SENIORITY_DIFFICULTY[seniority] == expected


@pytest.mark.parametrize(
    ("seniority", "allowed"),
    [("entry", {1, 2}), ("mid", {2, 3}), ("senior", {3, 4}), ("lead", {4, 5}), ("executive", {3, 4, 5})],
)
def test_recommend_picks_difficulty_in_range(seniority, allowed):
    assert recommend_template(ALL_LEVELS, seniority=seniority, skills=[]) in allowed


@pytest.mark.parametrize(
    ("seniority", "tagged_difficulty"), [("entry", 2), ("mid", 3), ("senior", 3), ("lead", 5), ("executive", 5)]
)
def test_recommend_tag_overlap_decides_within_range(seniority, tagged_difficulty):
    candidates = [
        TemplateCandidate(id=d, difficulty=d, tags=frozenset({"Python"} if d == tagged_difficulty else set()))
        for d in range(1, 6)
    ]
    assert recommend_template(candidates, seniority=seniority, skills=["Python"]) == tagged_difficulty


def test_recommend_range_beats_tag_overlap():
    candidates = [
        TemplateCandidate(id=1, difficulty=1, tags=frozenset({"Python", "Django"})),
        TemplateCandidate(id=2, difficulty=4),
    ]
    assert recommend_template(candidates, seniority="senior", skills=["Python", "Django"]) == 2


def test_recommend_nearest_difficulty_when_none_in_range():
    candidates = [TemplateCandidate(id=1, difficulty=1), TemplateCandidate(id=2, difficulty=3)]
    assert recommend_template(candidates, seniority="lead", skills=[]) == 2


def test_recommend_prefers_middle_of_range_on_tie():
    candidates = [TemplateCandidate(id=1, difficulty=3), TemplateCandidate(id=2, difficulty=4)]
    assert recommend_template(candidates, seniority="executive", skills=[]) == 2


def test_recommend_lowest_id_breaks_full_tie():
    candidates = [TemplateCandidate(id=9, difficulty=4), TemplateCandidate(id=3, difficulty=4)]
    assert recommend_template(candidates, seniority="senior", skills=[]) == 3


def test_recommend_none_without_candidates():
    assert recommend_template([], seniority="mid", skills=["Python"]) is None


def test_recommend_none_for_unknown_seniority():
    assert recommend_template(ALL_LEVELS, seniority="", skills=[]) is None


def test_tag_overlap_ignores_case():
    assert tag_overlap(["python"], ["Python"]) == 1


def test_tag_overlap_matches_tag_words_within_skill():
    assert tag_overlap(["Django"], ["Django REST Framework"]) == 1


def test_tag_overlap_needs_whole_words():
    assert tag_overlap(["Java"], ["JavaScript"]) == 0


def test_tag_overlap_counts_each_tag_once():
    assert tag_overlap(["Python", "SQL"], ["Python", "python 3", "SQL"]) == 2


def test_difficulty_distance_inside_range_is_zero():
    assert difficulty_distance(3, "executive") == 0


def test_difficulty_distance_below_range():
    assert difficulty_distance(1, "lead") == 3


# --- the candidate's missing skills break ties (issue 21) ---------------------------------------------


def test_recommend_missing_skill_breaks_a_tie_toward_the_template_probing_it():
    candidates = [
        TemplateCandidate(id=1, difficulty=4, probe_text="Tell me about a Django project."),
        TemplateCandidate(id=2, difficulty=4, probe_text="How does k8s schedule pods?"),
    ]
    assert recommend_template(candidates, seniority="senior", skills=[], missing_skills=["Kubernetes"]) == 2


def test_recommend_missing_skill_found_in_tags():
    candidates = [TemplateCandidate(id=1, difficulty=4), TemplateCandidate(id=2, difficulty=4, tags=frozenset({"K8s"}))]
    assert recommend_template(candidates, seniority="senior", skills=[], missing_skills=["Kubernetes"]) == 2


def test_recommend_missing_skill_does_not_beat_tag_overlap():
    candidates = [
        TemplateCandidate(id=1, difficulty=4, tags=frozenset({"Python"})),
        TemplateCandidate(id=2, difficulty=4, probe_text="Kubernetes operators"),
    ]
    assert recommend_template(candidates, seniority="senior", skills=["Python"], missing_skills=["Kubernetes"]) == 1


def test_recommend_missing_skill_does_not_beat_seniority():
    candidates = [
        TemplateCandidate(id=1, difficulty=1, probe_text="Kubernetes operators"),
        TemplateCandidate(id=2, difficulty=4),
    ]
    assert recommend_template(candidates, seniority="senior", skills=[], missing_skills=["Kubernetes"]) == 2


def test_recommend_more_missing_skills_probed_wins():
    candidates = [
        TemplateCandidate(id=1, difficulty=4, probe_text="Kubernetes"),
        TemplateCandidate(id=2, difficulty=4, probe_text="Kubernetes and Terraform"),
    ]
    missing = ["Kubernetes", "Terraform"]
    assert recommend_template(candidates, seniority="senior", skills=[], missing_skills=missing) == 2


def test_recommend_missing_skill_beats_middle_of_range():
    candidates = [TemplateCandidate(id=1, difficulty=4), TemplateCandidate(id=2, difficulty=3, probe_text="Go")]
    assert recommend_template(candidates, seniority="executive", skills=[], missing_skills=["golang"]) == 2


def test_probe_count_ignores_substrings():
    assert probe_count(TemplateCandidate(id=1, difficulty=1, probe_text="a gopher and a google search"), ["Go"]) == 0
