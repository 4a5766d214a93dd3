"""What several journeys do: sign in, build a small question bank and template, read a streamed reply."""

from __future__ import annotations

import re
import shutil
import time
from functools import cache
from typing import Any

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.utils import timezone
from playwright.sync_api import Page, expect

from interview.models import Chat, InterviewTemplate, Question, Tag
from tests.factories import ChatFactory, QuestionBankFactory, UserFactory

PASSWORD = "e2e-Journey-pass-42"
QUESTIONS = (
    "Tell me about a Django app you built and the decision you are proudest of.",
    "How do you find and fix a slow database query?",
    "How do you make sure a change does not break production?",
    "Describe how you review someone else's code.",
)
WORD = re.compile(r"w\d+x\d\d")


@cache
def password_hash() -> str:
    """PASSWORD hashed as daphne checks it (the test settings' fast MD5 hasher is unknown to the server process)."""
    hasher = PBKDF2PasswordHasher()
    return hasher.encode(PASSWORD, hasher.salt())


def person(username: str, *, role: str = "candidate", verified: bool = False, **fields: Any) -> Any:
    """A user who signs in with PASSWORD; `verified` marks their email address as proven."""
    user = UserFactory(username=username, role=role, **fields)
    user.password = password_hash()
    user.save(update_fields=["password"])
    if verified:
        user.profile.verified_email = user.email
        user.profile.email_verified_at = timezone.now()
        user.profile.save()
    return user


def template(owner: Any, *, name: str, count: int, public: bool = False) -> InterviewTemplate:
    """A template of `count` medium questions about Python and Django, from a bank of its own."""
    bank = QuestionBankFactory(owner=owner, name=f"{name} bank", is_shared=public)
    tags = [Tag.objects.get_or_create(name=tag)[0] for tag in ("python", "django")]
    for text in QUESTIONS:
        question = Question.objects.create(question_bank=bank, text=text, difficulty="medium", interview_type="SKL")
        question.tags.set(tags)
    made = InterviewTemplate.objects.create(
        user=owner,
        name=name,
        description="A short technical screen.",
        difficulty=3,
        question_count=count,
        easy_percentage=0,
        medium_percentage=100,
        hard_percentage=0,
        is_public=public,
    )
    made.tags.set(tags)
    made.question_banks.set([bank])
    return made


def log_in(page: Page, username: str, *, path: str = "/accounts/login/") -> None:
    """Sign in through the login form (with the keyboard: Enter submits)."""
    page.goto(path)
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.locator(".nav-user")).to_contain_text(username)


def assistant_bodies(page: Page) -> Any:
    return page.locator("#transcript .msg-assistant .msg-body")


def wait_reply_done(page: Page, count: int) -> str:
    """Wait until the transcript holds `count` finished interviewer messages; return the last one's text."""
    expect(assistant_bodies(page)).to_have_count(count)
    expect(page.locator("#transcript .msg.streaming")).to_have_count(0)
    return assistant_bodies(page).nth(count - 1).inner_text()


def streaming_text(page: Page, containing: str) -> str:
    """The text of the reply being streamed, read at once when it first contains `containing`."""
    script = """needle => {
        const body = document.querySelector("#transcript .msg.streaming .msg-body");
        return body && body.textContent.includes(needle) ? body.textContent : null;
    }"""
    return str(page.wait_for_function(script, arg=containing).json_value())


def words_of(text: str) -> list[str]:
    """The numbered words of scripted turns in `text`, in order (see scripted_llm.turn_text)."""
    return WORD.findall(text)


def practice_chat(user: Any, *limits: int, title: str = "Backend practice") -> Chat:
    """A not-started interview of `user` with one key question per time limit (seconds)."""
    questions = [{"question": text, "time_limit": limit} for text, limit in zip(QUESTIONS, limits, strict=False)]
    return ChatFactory(user=user, title=title, type="SKL", difficulty=5, key_questions=questions)


def wait_until(condition: Any, *, timeout: float = 15.0, message: str = "condition") -> Any:
    """Poll `condition` (a callable) until it returns something truthy, and return that."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {message}")


def stored_assistant_texts(chat: Chat, *, status: str = "complete") -> list[str]:
    """The chat's interviewer messages with `status`, as stored by the server."""
    chat.refresh_from_db()
    return [m["content"] for m in chat.messages if m["role"] == "assistant" and m.get("status") == status]


def own_folder(journey: Any, name: str) -> None:
    """Keep this test's artifacts in artifacts/e2e/<name>/ (a journey's folder is emptied by each of its tests)."""
    journey.folder = journey.folder.parent / name
    shutil.rmtree(journey.folder, ignore_errors=True)
    journey.folder.mkdir(parents=True)
