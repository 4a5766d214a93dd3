"""Resume parsing's pure rules: the model's reply, the owner's edits, the offline heuristic and the prompt text."""

from __future__ import annotations

import json

import pytest

from interview.documents import resume_rules as rr
from interview.documents import resume_text as rt
from tests.documents.resume_helpers import VALID


def test_parse_resume_json_accepts_a_code_fenced_reply():
    assert rr.parse_resume_json("```json\n" + json.dumps(VALID) + "\n```").skills == VALID["skills"]


@pytest.mark.parametrize(
    ("reply", "problem"),
    [
        ("nope", "it is not JSON"),
        ("[]", "it is not a JSON object"),
        (json.dumps({**VALID, "skills": "Python"}), "skills must be a list"),
        (json.dumps({**VALID, "experience": ["Acme"]}), "experience[1] must be an object"),
        (json.dumps({**VALID, "education": [{"degree": "BSc"}]}), "education[1] lacks institution, year"),
    ],
)
def test_parse_resume_json_refuses_what_the_schema_refuses(reply, problem):
    with pytest.raises(rr.InvalidResume, match=problem.replace("[", r"\[").replace("]", r"\]")):
        rr.parse_resume_json(reply)


def test_parse_resume_json_cuts_an_overlong_reply_to_the_limits():
    reply = {**VALID, "skills": [f"skill {n}" for n in range(500)], "summary": "x" * 5000}
    parsed = rr.parse_resume_json(json.dumps(reply))
    assert (len(parsed.skills), len(parsed.summary)) == (rr.MAX_SKILLS, rr.SUMMARY_MAX_CHARS)


def test_parse_resume_json_dedupes_skills_case_insensitively():
    assert rr.parse_resume_json(json.dumps({**VALID, "skills": ["SQL", "sql", " SQL "]})).skills == ["SQL"]


def test_validate_edit_refuses_ten_thousand_skills():
    with pytest.raises(rr.InvalidResume) as caught:
        rr.validate_edit({"skills": [f"s{n}" for n in range(10_000)]})
    assert (caught.value.field, str(caught.value)) == ("skills", "skills has 10,000 entries; the limit is 200.")


def test_validate_edit_refuses_an_overlong_skill():
    with pytest.raises(rr.InvalidResume, match="the limit is 80"):
        rr.validate_edit({"skills": ["x" * 81]})


def test_validate_edit_refuses_unknown_fields():
    with pytest.raises(rr.InvalidResume, match="Unknown fields: parsing_status"):
        rr.validate_edit({"parsing_status": "success"})


def test_validate_edit_keeps_html_as_plain_text():
    assert rr.validate_edit({"skills": ["<script>alert(1)</script>"]}) == {"skills": ["<script>alert(1)</script>"]}


def test_validate_edit_strips_control_and_bidi_characters():
    assert rr.validate_edit({"skills": ["Py\x00th\u202eon\x07"]}) == {"skills": ["Python"]}


def test_validate_edit_keeps_greek_and_japanese():
    edit = rr.validate_edit({"skills": ["Μηχανική μάθηση", "機械学習"]})
    assert edit == {"skills": ["Μηχανική μάθηση", "機械学習"]}


def test_parse_resume_offline_finds_only_known_skills():
    parsed = rr.parse_resume_offline("Built services in Python and Postgres; led a team of five.")
    assert (parsed.skills, parsed.experience, parsed.summary) == (["Python", "PostgreSQL"], [], "")


def test_experience_text_round_trip():
    assert rt.experience_from_text(rt.experience_to_text(VALID["experience"])) == VALID["experience"]


def test_education_text_round_trip():
    assert rt.education_from_text(rt.education_to_text(VALID["education"])) == VALID["education"]


def test_render_for_prompt_keeps_every_headline_when_detail_must_go():
    entries = [
        {
            "title": f"Role {n}",
            "organisation": f"Org {n}",
            "start": "2000",
            "end": "2001",
            "highlights": ["x" * 290] * 3,
        }
        for n in range(30)
    ]
    text = rt.render_for_prompt(rr.ParsedResume(experience=entries), limit=3000)
    assert len(text) <= 3000 and "Role 29, Org 29 (2000–2001)" in text and "xxx" not in text


def test_render_for_prompt_keeps_highlights_when_they_fit():
    text = rt.render_for_prompt(rr.ParsedResume(**VALID), limit=6000)
    assert "Cut API latency by 40%" in text and "Skills: Python, Django, PostgreSQL" in text
