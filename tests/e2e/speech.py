"""The browser's speech objects replaced by test doubles (tests/e2e/speech_doubles.js) before pages load."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

DOUBLES = Path(__file__).resolve().parent / "speech_doubles.js"


def install_speech_doubles(context: Any, *, mode: str = "ok") -> None:
    """Every page of `context` gets the doubles; `mode` is "ok", "denied" (recognition refused) or "absent"."""
    context.add_init_script(script=f"window.__speechMode = {mode!r};")
    context.add_init_script(path=str(DOUBLES))


def speech_log(page: Any) -> list[dict[str, Any]]:
    """What the page said (`{"said": text}`) and cancelled (`{"cancel": true}`), in order, across reloads."""
    return list(page.evaluate("() => JSON.parse(localStorage.getItem('__speech_log') || '[]')"))


def said(page: Any) -> list[str]:
    return [entry["said"] for entry in speech_log(page) if "said" in entry]


def hear(page: Any, transcripts: list[str], *, final: bool) -> None:
    """The running recogniser hears `transcripts` (the last one interim unless `final`)."""
    page.evaluate("([texts, final]) => window.__recognition.hear(texts, final)", [transcripts, final])


def sentences(text: str) -> list[str]:
    """A reply cut into sentences as the page cuts it (after . ! or ? and a space, at line ends), markup dropped."""
    parts = re.split(r"(?<=[.!?])\s+|\n+", text.replace("**", ""))
    return [" ".join(part.split()) for part in parts if part.strip()]
