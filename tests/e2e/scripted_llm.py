"""What the fake OpenAI server answers during the journeys: one responder for every kind of request.

The app asks the model for six things, told apart by the JSON schema it requests: job-listing
parsing (`job_parse`), resume parsing (`resume_parse`), report grading (`report`), key questions
(`key_questions`), the decision on a follow-up (`follow_up_decision`: none unless a journey scripts one
in `follow_ups`) and, with no schema and a stream, the interviewer's turns. Grading quotes each answer back as its evidence,
as the app requires of a real model.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.openai_server import FakeResponse

MODEL = "gpt-4o-mini"  # a priced model, so usage rows carry a cost
JOB_PARSE = {
    "required_skills": ["Python", "Django", "PostgreSQL"],
    "seniority_level": "mid",
    "requirements": {
        "education": ["Bachelor's in Computer Science or equivalent experience"],
        "years_experience": "3+",
        "certifications": [],
        "responsibilities": ["Build and run Django services", "Review code"],
    },
}
RESUME_PARSE = {
    "skills": ["Python", "Djngo", "PostgreSQL"],  # "Djngo": the journey corrects it on the resume page
    "experience": [
        {
            "title": "Backend developer",
            "organisation": "Acme",
            "start": "2020",
            "end": "present",
            "highlights": ["Moved PDF rendering to a worker"],
        }
    ],
    "education": [{"degree": "BSc Computer Science", "institution": "University of Leeds", "year": "2019"}],
    "summary": "Backend developer with five years of Python.",
}
_ANSWER = re.compile(r"<<<BEGIN ANSWER (\d+) (\w+)>>>\n(.*?)\n<<<END ANSWER \1 \2>>>", re.S)
_CRITERION = re.compile(r'^Criterion \d+: key "(\w+)"', re.M)


def turn_text(turn: int, words: int = 24, sentence: int = 0) -> str:
    """An interviewer turn whose every word is numbered, so lost or repeated text shows; with `sentence`,
    a period after every that many words (the voice journeys hear it sentence by sentence)."""
    numbered = [f"w{turn}x{i:02d}" + ("." if sentence and (i + 1) % sentence == 0 else "") for i in range(words)]
    return f"Turn {turn}: " + " ".join(numbered).removesuffix(".") + "."


@dataclass
class ScriptedLLM:
    """A responder for FakeOpenAIServer: set `words` and `pace` to shape the interviewer's streamed turns."""

    words: int = 24
    pace: float = 0.0
    sentence: int = 0
    turns: int = 0
    texts: list[str] = field(default_factory=list)
    # The follow-ups the next decisions ask, in order ("" decides none); when empty, no follow-up.
    follow_ups: list[str] = field(default_factory=list)

    def reset(self) -> None:
        """Back to fast, short turns, counted from one, and no follow-ups."""
        self.words, self.pace, self.turns, self.texts, self.follow_ups = 24, 0.0, 0, [], []
        self.sentence = 0

    def __call__(self, body: dict[str, Any]) -> FakeResponse:
        schema = ((body.get("response_format") or {}).get("json_schema") or {}).get("name", "")
        prompt = "\n".join(str(m.get("content", "")) for m in body.get("messages", []) if isinstance(m, dict))
        if schema == "job_parse":
            return FakeResponse(text=json.dumps(JOB_PARSE), model=MODEL, prompt_tokens=420, completion_tokens=80)
        if schema == "resume_parse":
            return FakeResponse(text=json.dumps(RESUME_PARSE), model=MODEL, prompt_tokens=500, completion_tokens=120)
        if schema == "follow_up_decision":
            question = self.follow_ups.pop(0) if self.follow_ups else ""
            decision = {"follow_up": bool(question), "question": question}
            return FakeResponse(text=json.dumps(decision), model=MODEL, prompt_tokens=300, completion_tokens=20)
        if schema == "report":
            return FakeResponse(text=json.dumps(grade(prompt)), model=MODEL, prompt_tokens=1800, completion_tokens=260)
        if not body.get("stream"):  # key questions: none, so the app falls back to its question banks
            return FakeResponse(text=json.dumps({"questions": []}), model=MODEL)
        self.turns += 1
        text = turn_text(self.turns, self.words, self.sentence)
        self.texts.append(text)
        return FakeResponse(text=text, model=MODEL, pace=self.pace, prompt_tokens=600, completion_tokens=self.words + 3)


def grade(prompt: str) -> dict[str, Any]:
    """A valid grading of the interview in `prompt`: each answered question quoted as its evidence."""
    responses = []
    for index, _nonce, answer in _ANSWER.findall(prompt):
        words = answer.split()
        responses.append(
            {
                "index": int(index),
                "score": 7 if words else 0,
                "feedback": "Concrete and well structured." if words else "No answer.",
                "evidence": " ".join(words[:8]),
            }
        )
    quote = next((r["evidence"] for r in responses if r["evidence"]), "")
    criteria = [
        {"key": key, "score": 74, "feedback": "Consistent with the answers.", "evidence": quote}
        for key in dict.fromkeys(_CRITERION.findall(prompt))
    ]
    return {
        "professionalism_score": 78,
        "subject_knowledge_score": 71,
        "clarity_score": 74,
        "criteria": criteria,
        "feedback_text": "Clear, specific answers with real examples. Say more about trade-offs.",
        "question_responses": responses,
    }
