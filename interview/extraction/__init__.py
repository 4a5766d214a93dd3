"""Safe text extraction from uploaded PDF, DOCX and TXT files.

`extract_document(data, filename=..., limits=..., sandbox=...)` sniffs the type from the bytes, checks
the name agrees, refuses hostile files (zip bombs, truncated or encrypted PDFs, scans), and parses PDFs
and DOCX files in a child process under memory, CPU, time and page limits, isolated from the server's
secrets (`sandbox`). Plain text is decoded here:
decoding cannot hang or crash. No Django imports, so the child process stays light.
"""

from __future__ import annotations

from dataclasses import dataclass

from interview.extraction.errors import ExtractionError
from interview.extraction.limits import Limits
from interview.extraction.runner import run_child
from interview.extraction.sandbox import Sandbox
from interview.extraction.sniff import (
    KIND_EXTENSIONS,
    Kind,
    check_name_matches,
    check_size,
    kind_from_name,
    safe_display_name,
)
from interview.extraction.sniff import sniff as sniff_kind
from interview.extraction.text import clean_text, decode_text

__all__ = [
    "ExtractedDocument",
    "ExtractionError",
    "Kind",
    "Limits",
    "Sandbox",
    "extract_document",
    "safe_display_name",
]


@dataclass(frozen=True)
class ExtractedDocument:
    """An accepted document: its kind, the extension it is stored under, its text and (PDF) page count."""

    kind: Kind
    text: str
    pages: int | None = None
    encoding: str = ""

    @property
    def extension(self) -> str:
        """The extension matching the sniffed kind (never taken from the uploaded name)."""
        return KIND_EXTENSIONS[self.kind]


def extract_document(
    data: bytes, *, filename: str, limits: Limits, sandbox: Sandbox | None = None
) -> ExtractedDocument:
    """Return the document's text, or raise ExtractionError saying why the file is refused."""
    check_size(len(data), limits)
    claimed = kind_from_name(filename)
    kind = sniff_kind(data, limits)
    check_name_matches(claimed, kind, filename)
    if kind == "txt":
        text, encoding = decode_text(data)
        return ExtractedDocument(kind=kind, text=clean_text(text, max_chars=limits.max_text_chars), encoding=encoding)
    result = run_child(kind, data, limits, sandbox)
    return ExtractedDocument(kind=kind, text=result.text, pages=result.pages)
