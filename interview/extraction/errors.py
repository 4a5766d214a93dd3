"""The typed refusals of document extraction, each with a message fit to show the uploader."""

from __future__ import annotations

from typing import Any, Final

EMPTY: Final = "empty"
TOO_LARGE: Final = "too_large"
BAD_NAME: Final = "bad_name"
UNSUPPORTED: Final = "unsupported"
LEGACY_WORD: Final = "legacy_word"
MISMATCH: Final = "extension_mismatch"
ENCRYPTED: Final = "encrypted"
DAMAGED: Final = "damaged"
TRUNCATED: Final = "truncated"
TOO_MANY_PAGES: Final = "too_many_pages"
ARCHIVE_BOMB: Final = "archive_bomb"
NO_TEXT_LAYER: Final = "no_text_layer"
NO_TEXT: Final = "no_text"
TOO_MUCH_TEXT: Final = "too_much_text"
TIMEOUT: Final = "timeout"
RESOURCES: Final = "resources"
BUSY: Final = "busy"
UNAVAILABLE: Final = "unavailable"

_MESSAGES: Final[dict[str, str]] = {
    EMPTY: "The file is empty.",
    TOO_LARGE: "The file is too large: the limit is {limit_mb} MB.",
    BAD_NAME: "The file name must end in .pdf, .docx or .txt.",
    UNSUPPORTED: "This file is not a PDF, a Word (.docx) document or a plain-text file{found}.",
    LEGACY_WORD: (
        "Old Word (.doc) and password-protected Word files cannot be read. "
        "Save the document as .docx (without a password) or as PDF and upload that."
    ),
    MISMATCH: "The file name ends in {extension} but the file is {actual}. Rename it to end in {expected}.",
    ENCRYPTED: "This PDF is password-protected. Save a copy without the password and upload that.",
    DAMAGED: "The file is damaged and cannot be read.",
    TRUNCATED: "The PDF is incomplete (it ends before its last page). Download or export it again and upload that.",
    TOO_MANY_PAGES: "The PDF has {pages} pages; the limit is {limit}.",
    ARCHIVE_BOMB: "The Word file unpacks to far more data than a document needs, so it was refused.",
    NO_TEXT_LAYER: (
        "This PDF has no text layer: it looks like a scan or a picture of text. "
        "Export it as PDF from the original document (or run it through OCR) and upload that."
    ),
    NO_TEXT: "No text was found in the file.",
    TOO_MUCH_TEXT: "The document has {chars} characters of text; the limit is {limit}.",
    TIMEOUT: "Reading the file took longer than {seconds} seconds, so it was stopped. Try a simpler file.",
    RESOURCES: "The file could not be read within the memory allowed, so it was refused. Try a simpler file.",
    BUSY: "Too many files are being read right now. Please try again in a minute.",
    UNAVAILABLE: "Files cannot be read right now. Please try again later or tell the site's administrator.",
}


class ExtractionError(Exception):
    """A refused document: `code` names the reason and `message` explains it to the uploader."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        self.message = _MESSAGES.get(code, _MESSAGES[DAMAGED]).format_map(_Blank(params))
        super().__init__(self.message)


class _Blank(dict[str, Any]):
    """Parameters for a message template; a missing one reads as empty rather than failing."""

    def __missing__(self, key: str) -> str:
        return ""
