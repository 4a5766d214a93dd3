"""How much a document may cost to read: size, pages, time, memory and unpacked archive size."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Limits applied to one extraction; the defaults suit resumes and job listings."""

    max_bytes: int = 10 * MB
    # Wall-clock seconds before the child process is killed.
    timeout_seconds: float = 30.0
    # CPU seconds (all threads) the child may use; 0 means twice the wall-clock timeout.
    cpu_seconds: int = 0
    # Address space of the child (RLIMIT_AS); PDF layout analysis needs ~750 MB for small files.
    memory_bytes: int = 2048 * MB
    # Layout analysis costs ~0.3 s a page, so 30 pages stay well inside the timeout.
    max_pages: int = 30
    max_text_chars: int = 100_000
    # A DOCX is a zip: refuse archives that unpack to more than this, or whose parts expand too much.
    docx_max_unpacked_bytes: int = 50 * MB
    docx_max_entries: int = 1000
    docx_max_ratio: int = 100

    @property
    def effective_cpu_seconds(self) -> int:
        """CPU seconds for RLIMIT_CPU (at least 1)."""
        return max(1, self.cpu_seconds or int(self.timeout_seconds * 2) + 1)

    def to_json(self) -> str:
        """Serialise for the child process's command line."""
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Limits:
        """Read limits written by `to_json`."""
        return cls(**json.loads(text))
