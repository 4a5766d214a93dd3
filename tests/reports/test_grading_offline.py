"""The offline rubric: length, coverage of the question's key terms and structure, labelled as not AI judgement."""

from __future__ import annotations

from interview.reports import grading as g

WEIGHTS = dict(g.DEFAULT_WEIGHTS)
QUESTION = "Describe how you would design a caching layer for a high-traffic Django application."
STRONG = (
    "I would design the caching layer in three parts. First, per-view caching in Django for anonymous pages, "
    "because most traffic is read-only. Then a Redis cache for expensive queries, with keys versioned by model "
    "so invalidation stays simple. For example, at my last job this cut database load by 70 percent on a "
    "high-traffic application. Finally, I would monitor hit rates and tune expiry times."
)


def offline(*answers: str) -> g.Grade:
    questions = tuple(g.QuestionAnswer(i, QUESTION, a, "answered" if a else "expired") for i, a in enumerate(answers))
    return g.grade_offline(g.GradingInput("Backend", "General", 5, questions), WEIGHTS)


def test_rubric_no_answer_scores_zero():
    assert offline("").questions[0].score == 0


def test_rubric_no_answer_feedback_says_no_answer():
    assert offline("").questions[0].feedback == "no answer (time ran out)"


def test_rubric_one_word_answer_scores_at_most_one():
    assert offline("Redis").questions[0].score <= 1


def test_rubric_strong_answer_scores_high():
    assert offline(STRONG).questions[0].score >= 8


def test_rubric_better_answers_score_higher():
    assert offline(STRONG).overall > offline("I would use a cache for the application.").overall


def test_rubric_counts_question_key_terms():
    parts = g.rubric_parts(QUESTION, "Caching in Django with Redis.")
    assert set(parts.matched) == {"caching", "django"}


def test_rubric_names_missing_key_terms_in_feedback():
    assert (
        "not mentioned: design" in offline("Caching in Django with Redis, for example per view.").questions[0].feedback
    )


def test_rubric_evidence_is_verbatim():
    evidence = offline(STRONG).questions[0].evidence
    assert evidence and evidence in STRONG


def test_rubric_evidence_passes_the_evidence_check():
    assert g.evidence_in_answer(offline(STRONG).questions[0].evidence, STRONG)


def test_grade_offline_is_marked_offline():
    assert offline(STRONG).is_offline is True


def test_grade_offline_feedback_says_not_ai():
    assert "not by AI judgement" in offline(STRONG).feedback


def test_grade_offline_is_deterministic():
    assert offline(STRONG, "Redis") == offline(STRONG, "Redis")


def test_grade_offline_all_expired_scores_zero():
    assert offline("", "").scores() == dict.fromkeys((*g.CATEGORIES, "overall"), 0)


def test_grade_offline_overall_is_weighted_mean():
    grade = offline(STRONG, "A short reply.")
    assert grade.overall == g.weighted_overall(grade.scores(), WEIGHTS)


def test_grade_offline_without_key_questions_grades_conversation():
    transcript = (("assistant", QUESTION), ("user", STRONG))
    grade = g.grade_offline(g.GradingInput("Chat", "General", 5, (), transcript), WEIGHTS)
    assert grade.questions == () and grade.subject_knowledge > 0


def test_question_keywords_skip_stop_words():
    assert g.question_keywords("Tell me about a time when you handled conflict") == ("handled", "conflict")
