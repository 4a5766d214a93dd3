"""The seeded term library as the tests read it, and ordinary interview feedback that must pass."""

from __future__ import annotations

import json
from pathlib import Path

from interview.fairness.check import Term

TERMS_FILE = Path(__file__).resolve().parents[2] / "interview" / "fairness" / "data" / "terms.json"


def seeded_entries() -> list[dict[str, str]]:
    return json.loads(TERMS_FILE.read_text(encoding="utf-8"))


def seeded_terms() -> list[Term]:
    return [Term(e["term"], e["category"], e["severity"], e["explanation"]) for e in seeded_entries()]


def in_context(term: str) -> str:
    """A feedback sentence using the term the way a biased reviewer might."""
    return f"Solid answers overall, but honestly {term}, so I would not move forward."


# Fifty sentences of ordinary feedback, many with words that contain or sit near library terms.
ORDINARY_FEEDBACK = [
    "Page through the results before you sort them, she said, and she was right.",
    "The hiring manager asked about the managed database and he answered well.",
    "He takes an old school approach to logging, which worked fine here.",
    "She kept the older version of Python because the vendor library needs it.",
    "It is a young codebase, so the lack of tests is understandable.",
    "He has built a native app for iOS and a web client.",
    "Her black-box testing plan covered the edge cases.",
    "They proposed a whitelist of allowed hosts for the webhook.",
    "He rebased onto the master branch before opening the pull request.",
    "She described a culture of code review on her last team.",
    "He explained the algorithm clearly and tested it on an empty list.",
    "She led the migration from MySQL to PostgreSQL.",
    "The answers were a little short, but the reasoning was sound.",
    "His estimate of the queue's throughput was off by an order of magnitude.",
    "Her design handled the race condition with a database lock.",
    "They chose a message broker that has been around for ages.",
    "The candidate's manager at the previous company was named as a reference.",
    "She mentioned the packages she maintains and their download numbers.",
    "He described how the average latency dropped after the change.",
    "The storage layer was the weakest part of the answer.",
    "She gave a pretty good explanation of eventual consistency.",
    "He was religious about naming, which I appreciate, sorry: careful about naming.",
    "The cache was disabled during the load test, as she pointed out.",
    "The review was blind until every scorecard was submitted.",
    "He stated the trade-offs of the damage control plan after the outage.",
    "Her coverage report showed the engagement metrics pipeline well tested.",
    "They walked me through the tree: the root node has children and each leaf has none.",
    "He helped her figure out the flaky test during the pairing exercise.",
    "Her body of work on observability is impressive.",
    "The image of the container was large; he slimmed it down with a multi-stage build.",
    "She used an adapter to wrap the legacy payment gateway.",
    "He wrote a fat jar for the deployment and explained why.",
    "The blacklist of tokens was replaced by short expiry times.",
    "His message was well structured and easy to follow.",
    "She managed expectations with the stakeholder well.",
    "He described the heritage of the monolith and how it grew.",
    "The agency they worked for builds websites for charities.",
    "Her storage estimate covered images, averages and percentiles.",
    "He listed the advantages of the approach before its drawbacks.",
    "She used Redis pub/sub and explained the delivery guarantees.",
    "The chatbot project used a language model to triage tickets.",
    "He was able to reason about the garbage collector's pauses.",
    "She communicated clearly and asked good clarifying questions.",
    "Their answer on database normalisation was textbook.",
    "He knows the standard library well and avoided extra dependencies.",
    "She handled the follow-up on pagination with cursors instead of offsets.",
    "The proposed schema had one table too many, which he noticed himself.",
    "He mentioned mentoring two interns and what he learned from it.",
    "She showed strong ownership of the incident and its postmortem.",
    "His code was readable, though the variable names could be more specific.",
]


def seed_library() -> None:
    """The seeded library in the database (a transactional test's flush removes the migration's rows)."""
    from interview.models import FairnessTerm

    present = {t.lower() for t in FairnessTerm.objects.values_list("term", flat=True)}
    FairnessTerm.objects.bulk_create(
        FairnessTerm(**entry) for entry in seeded_entries() if entry["term"].lower() not in present
    )


BIASED = "Strong on SQL, but too old for this team."
WARNED = "Clearly overqualified for the role, yet keen."
CLEAN = "Strong on SQL; explained the index choice clearly."
