"""Twenty hand-made resume/listing pairs and the fit summary worked out by hand (issue 21, "What it must show").

Score = round-half-up(70 × matched/required + 30 × min(1, years/required years)); a part the listing gives
no data for is left out and the other takes the whole 100. Today is 2026-12-07 throughout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from interview.documents.fit import Experience, fit_summarise

TODAY = date(2026, 12, 7)


@dataclass(frozen=True)
class Pair:
    name: str
    have: list[str]
    jobs: list[tuple[str, str | None]]
    required: list[str]
    years_asked: str | None
    matched: tuple[str, ...]
    missing: tuple[str, ...]
    years: float
    score: int | None
    extra: tuple[str, ...] | None = None
    note: str | None = None


PAIRS = [
    Pair(
        "python backend, one missing, years met",
        ["Python", "Django", "Postgres", "Docker"],
        [("2019-01", None)],
        ["Python", "Django", "PostgreSQL", "Kubernetes"],
        "5+",
        ("Django", "PostgreSQL", "Python"),
        ("Kubernetes",),
        7.9,
        83,
        extra=("Docker",),
    ),
    Pair(
        "frontend aliases, years short",
        ["JS", "React.js", "CSS3", "HTML5"],
        [("2023-06", "2025-05")],
        ["JavaScript", "TypeScript", "React", "CSS"],
        "3+",
        ("CSS", "JavaScript", "React"),
        ("TypeScript",),
        2.0,
        73,
        extra=("HTML",),
    ),
    Pair(
        "data science, overlapping jobs",
        ["Python", "ML", "Pandas", "SQL"],
        [("2020-01", "2022-12"), ("2022-06", "2024-12")],
        ["Python", "Machine Learning", "Deep Learning", "SQL", "Spark"],
        "4+",
        ("Machine Learning", "Python", "SQL"),
        ("Apache Spark", "Deep Learning"),
        5.0,
        72,
    ),
    Pair(
        "devops aliases, years short",
        ["k8s", "Terraform", "AWS", "CI"],
        [("2016", "2020")],
        ["Kubernetes", "Terraform", "Amazon Web Services", "CI/CD", "Go"],
        "8+",
        ("Amazon Web Services", "CI/CD", "Kubernetes", "Terraform"),
        ("Go",),
        5.0,
        75,
    ),
    Pair(
        "entry level, no experience, 0 years asked",
        ["Java"],
        [],
        ["Java", "Spring", "SQL"],
        "0-2",
        ("Java",),
        ("Spring", "SQL"),
        0.0,
        53,
        note="no dated experience",
    ),
    Pair(
        "no years asked: skills take the whole scale",
        ["C#", ".NET", "Azure"],
        [("2018", "2020")],
        ["C#", "ASP.NET", "SQL Server", "Azure"],
        "",
        (".NET", "C#", "Microsoft Azure"),
        ("Microsoft SQL Server",),
        3.0,
        75,
        note="no years of experience",
    ),
    Pair(
        "C is not C++",
        ["C", "Python"],
        [("2022-01", "2023-12")],
        ["C++", "Python"],
        "2+",
        ("Python",),
        ("C++",),
        2.0,
        65,
        extra=("C",),
    ),
    Pair(
        "no skills asked: years take the whole scale",
        ["Rust"],
        [("2021-01", "2022-12")],
        [],
        "4+",
        (),
        (),
        2.0,
        50,
        note="no required skills",
    ),
    Pair("neither skills nor years: no score", ["Rust"], [("2021-01", "2022-12")], [], "", (), (), 2.0, None),
    Pair(
        "everything met",
        ["Go", "gRPC", "PostgreSQL", "Kafka"],
        [("2010", "present")],
        ["Golang", "GRPC", "postgres", "Apache Kafka"],
        "10+",
        ("Apache Kafka", "Go", "gRPC", "PostgreSQL"),
        (),
        16.9,
        100,
    ),
    Pair(
        "nothing matched, years short",
        ["Excel", "Tableau"],
        [("2024-01", "2024-12")],
        ["Python", "SQL"],
        "3+",
        (),
        ("Python", "SQL"),
        1.0,
        10,
    ),
    Pair(
        "aliases in the listing count once",
        ["javascript"],
        [],
        ["JS", "JavaScript", "ECMAScript", "React"],
        "",
        ("JavaScript",),
        ("React",),
        0.0,
        50,
    ),
    Pair(
        "an unparseable entry is ignored and reported",
        ["Python"],
        [("summer", "fall"), ("2021-01", "2022-12")],
        ["Python"],
        "4+",
        ("Python",),
        (),
        2.0,
        85,
        note="not understood",
    ),
    Pair(
        "node spellings",
        ["node", "Express.js", "MongoDB"],
        [("2019-06", "2022-05")],
        ["Node.js", "Express", "Mongo", "Redis"],
        "3",
        ("Express", "MongoDB", "Node.js"),
        ("Redis",),
        3.0,
        83,
    ),
    Pair(
        "case and punctuation",
        ["TYPESCRIPT", "vue"],
        [("2022-12", None)],
        ["TypeScript", "Vue.js", "GraphQL"],
        "5+ years",
        ("TypeScript", "Vue.js"),
        ("GraphQL",),
        4.0,
        71,
    ),
    Pair(
        "a skill the alias table does not know",
        ["Widget Forging"],
        [("2025-01", "2025-12")],
        ["widget-forging", "Blacksmithing"],
        "1+",
        ("widget-forging",),
        ("Blacksmithing",),
        1.0,
        65,
    ),
    Pair(
        "years named among the skills",
        ["Python", "Django"],
        [("2020-01", "2022-12")],
        ["Python", "Django", "6+ years experience"],
        "",
        ("Django", "Python"),
        (),
        3.0,
        85,
    ),
    Pair(
        "ML engineer, three jobs two overlapping",
        ["Torch", "NLP", "Python", "scikit-learn"],
        [("2015-01", "2018-12"), ("2017-01", "2019-12"), ("2021-01", "2021-12")],
        ["PyTorch", "TensorFlow", "NLP", "LLM", "Python"],
        "8+",
        ("Natural Language Processing", "Python", "PyTorch"),
        ("Large Language Models", "TensorFlow"),
        6.0,
        65,
        extra=("scikit-learn",),
    ),
    Pair(
        "a job starting in the future is ignored",
        ["SQL"],
        [("2027-03", None)],
        ["SQL"],
        "2+",
        ("SQL",),
        (),
        0.0,
        70,
        note="starts in the future",
    ),
    Pair(
        "lead role, half the skills",
        ["Java", "Spring Boot", "Kafka", "Leadership"],
        [("2012-01", "2019-12")],
        ["Java", "Spring", "Microservices", "AWS", "Leadership", "System Design"],
        "10+",
        ("Java", "Leadership", "Spring"),
        ("Amazon Web Services", "Microservices", "System Design"),
        8.0,
        59,
    ),
]


def test_there_are_twenty_pairs():
    assert len(PAIRS) == 20


@pytest.mark.parametrize("pair", PAIRS, ids=[p.name for p in PAIRS])
def test_fit_pair(pair: Pair):
    fit = fit_summarise(
        resume_skills=pair.have,
        experience=[Experience(title=f"job {i}", start=s, end=e) for i, (s, e) in enumerate(pair.jobs)],
        required_skills=pair.required,
        years_experience=pair.years_asked,
        today=TODAY,
    )
    assert (fit.matched, fit.missing, fit.years, fit.score) == (pair.matched, pair.missing, pair.years, pair.score)
    if pair.extra is not None:
        assert fit.extra == pair.extra
    if pair.note is not None:
        assert any(pair.note in note for note in fit.notes)
