"""Builders shared by the resume parsing tests."""

from __future__ import annotations

import json

from tests.fakes.openai_server import FakeResponse

# A model answer to the resume parse prompt that passes validation.
VALID = {
    "skills": ["Python", "Django", "PostgreSQL"],
    "experience": [
        {
            "title": "Backend developer",
            "organisation": "Acme",
            "start": "2020",
            "end": "present",
            "highlights": ["Cut API latency by 40%"],
        }
    ],
    "education": [{"degree": "BSc Computer Science", "institution": "Uni of Somewhere", "year": "2019"}],
    "summary": "Backend developer with six years of Python.",
}

# A Japanese resume and the model's reading of it (non-Latin script end to end).
JAPANESE_TEXT = (
    "山田太郎\nソフトウェアエンジニア\n株式会社サンプル 2018年〜現在\nPython、機械学習\n東京大学 工学部 2017年"
)
JAPANESE = {
    "skills": ["Python", "機械学習"],
    "experience": [
        {
            "title": "ソフトウェアエンジニア",
            "organisation": "株式会社サンプル",
            "start": "2018年",
            "end": "現在",
            "highlights": ["推薦システムを開発"],
        }
    ],
    "education": [{"degree": "工学部", "institution": "東京大学", "year": "2017年"}],
    "summary": "機械学習を専門とするソフトウェアエンジニア。",
}

PAGES = 40


def long_resume() -> tuple[str, dict[str, object]]:
    """A 40-page resume (about 96,000 characters, one position per page, oldest last) and its parsed form."""
    pages, entries = [], []
    for page in range(1, PAGES + 1):
        organisation = f"Company {page:02d}" if page < PAGES else "Oldest Employer Ltd"
        years = f"{2024 - page}"
        body = (f"Page {page}. Worked on distributed systems and mentoring at {organisation}. " * 30)[:2300]
        pages.append(f"Engineer at {organisation}, {years}\n{body}")
        entries.append(
            {"title": "Engineer", "organisation": organisation, "start": years, "end": years, "highlights": []}
        )
    parsed = {"skills": ["Go"], "experience": entries, "education": [], "summary": "A long career."}
    return "\n\n".join(pages), parsed


def answer(payload: object = VALID) -> FakeResponse:
    text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    return FakeResponse(text=text, prompt_tokens=300, completion_tokens=90)
