"""Browser journeys: real Chromium (Playwright) against a real daphne, a db_worker and the fake OpenAI server.

One daphne and one worker serve every journey in this package, on the test database; each test
seeds its own rows (transactional tests, flushed afterwards). Every page opened through a
`journey` context has its console watched: any console error or uncaught page error (a CSP
violation included) fails the test. Screenshots go to artifacts/e2e/<journey>/NN-name.png.
"""

from __future__ import annotations

import contextlib
import email
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from tests.e2e.scripted_llm import ScriptedLLM
from tests.fakes.openai_server import FakeOpenAIServer
from tests.live.server import ROOT, DaphneProcess, WorkerProcess

ARTIFACTS = ROOT / "artifacts" / "e2e"
# Generous for CI machines; every wait is on a condition, never a fixed sleep.
TIMEOUT_MS = 15_000


def chromium_path() -> str:
    """Debian's chromium (Playwright cannot download its own browser here); fails loudly under CI."""
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    message = "chromium is not installed: run `make install` (it apt-installs chromium) or set CHROMIUM_PATH"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Remember each phase's report on the test, so teardown knows whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


# --- servers ----------------------------------------------------------------------------------


@dataclass
class LiveSite:
    """The running site: its URL, the folder emails are written to, and the scripted model behind it."""

    url: str
    mail_dir: Path
    llm: ScriptedLLM
    fake: FakeOpenAIServer
    worker: WorkerProcess | None = None

    def emails_to(self, address: str) -> list[Message]:
        """The messages sent to `address` so far, oldest first (the file backend writes one file per batch)."""
        found = []
        for path in sorted(self.mail_dir.glob("*.log"), key=lambda p: p.stat().st_mtime):
            # Each message is followed by a line of 79 dashes: a message still being written has none yet.
            for raw in path.read_text().split("\n" + "-" * 79 + "\n")[:-1]:
                message = email.message_from_string(raw)
                if address.lower() in (message.get("To") or "").lower():
                    found.append(message)
        return found


@pytest.fixture(scope="package")
def _orm_beside_playwright() -> Iterator[None]:
    """Allow the ORM in tests while Playwright's sync API keeps an event loop running on this thread."""
    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if saved is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


@pytest.fixture(scope="package")
def live_site(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSite]:
    """daphne and db_worker on the test database, with the fake OpenAI server as their model."""
    llm = ScriptedLLM()
    fake = FakeOpenAIServer().start()
    fake.responder = llm
    base = tmp_path_factory.mktemp("e2e")
    env = {
        "OPENAI_API_KEY": "sk-e2e",
        "OPENAI_BASE_URL": fake.base_url,
        "OPENAI_MODEL": "gpt-4o-mini",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "DJANGO_EMAIL_FILE_PATH": str(base / "mail"),
        "DJANGO_MEDIA_ROOT": str(base / "media"),
        "KEY_QUESTION_GRACE_SECONDS": "0.3",
        "DEADLINE_SWEEP_SECONDS": "0.5",
        "CHANNEL_PREFIX": f"e2e-{uuid.uuid4().hex[:8]}",
        # The journeys sign staff in with a password alone; tests/e2e/test_oidc_journey.py runs a server of
        # its own with second factors required, as deployed.
        "MFA_REQUIRED_ROLES": "",
        # One server serves every journey, and SQLite hands a flushed test's user ids out again: per-user
        # rate limits would add up across journeys (tests/core/test_rate_limits.py tests the limits).
        "RATE_LIMITS": json.dumps(dict.fromkeys(settings.RATE_LIMITS, "10000/h")),
    }
    (base / "mail").mkdir()
    worker = WorkerProcess(env=env).start()
    server = DaphneProcess(env=env)
    try:
        server.start()
        yield LiveSite(url=server.http, mail_dir=base / "mail", llm=llm, fake=fake, worker=worker)
    finally:
        server.stop()
        worker.stop()
        fake.stop()


@pytest.fixture
def site(live_site: LiveSite) -> Iterator[LiveSite]:
    """The live site with the model's script and the mailbox reset for this test."""
    live_site.llm.reset()
    live_site.fake.received.clear()
    if live_site.worker is not None:
        live_site.worker.ensure_running()
    for path in live_site.mail_dir.iterdir():
        path.unlink()
    yield live_site


# --- browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser(_orm_beside_playwright: None) -> Iterator[Any]:
    """One headless Chromium for the package."""
    executable = chromium_path()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable)
        yield browser
        browser.close()


@dataclass
class Journey:
    """One journey's browser contexts, screenshots and console errors."""

    name: str
    url: str
    browser: Any
    folder: Path
    contexts: list[Any] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    shots: list[Path] = field(default_factory=list)

    def context(self, **options: Any) -> Any:
        """A fresh browser context (its own cookies: one person) whose pages are watched for errors."""
        options = {"viewport": {"width": 1280, "height": 860}, "accept_downloads": True, **options}
        context = self.browser.new_context(base_url=self.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.on("page", self._watch)
        self.contexts.append(context)
        return context

    def page(self, **options: Any) -> Any:
        """A page in a fresh context."""
        return self.context(**options).new_page()

    def _watch(self, page: Any) -> None:
        def console(message: Any) -> None:
            if message.type == "error":
                self.errors.append(f"console error on {page.url}: {message.text} ({message.location})")

        page.on("console", console)
        page.on("pageerror", lambda error: self.errors.append(f"page error on {page.url}: {error}"))

    def artifact(self, name: str) -> Path:
        """The path of the next numbered artifact, NN-name, in this journey's folder."""
        path = self.folder / f"{len(self.shots) + 1:02d}-{name}"
        self.shots.append(path)
        return path

    def shot(self, page: Any, name: str, *, full_page: bool = True) -> Path:
        """Save a screenshot as NN-name.png in this journey's folder and return its path."""
        path = self.artifact(f"{name}.png")
        page.screenshot(path=str(path), full_page=full_page, animations="disabled", caret="initial")
        return path

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def journey(request: pytest.FixtureRequest, browser: Any, site: LiveSite) -> Iterator[Journey]:
    """Browser contexts for one journey; fails the test on any console or page error."""
    name = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    folder = ARTIFACTS / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    trip = Journey(name=name, url=site.url, browser=browser, folder=folder)
    yield trip
    failed = getattr(request.node, "report_call", None) is not None and request.node.report_call.failed
    if failed:  # what each page looked like when the test failed
        for index, page in enumerate(p for c in trip.contexts for p in c.pages):
            with contextlib.suppress(Exception):  # a crashed page must not hide the test's own failure
                page.screenshot(path=str(folder / f"failure-{index}.png"), full_page=True)
    trip.close()
    if trip.errors:
        report = "The browser reported errors:\n" + "\n".join(trip.errors)
        if failed:
            print(report)  # shown with the failure
        else:
            pytest.fail(report, pytrace=False)
