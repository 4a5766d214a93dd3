"""What a file really is, judged from its bytes, and whether its name agrees.

Only cheap, bounded checks run here, in the web process: magic numbers, the end of a PDF and the
central directory of a zip (which lists sizes without decompressing anything). Parsing happens in
the child process (`runner`).
"""

from __future__ import annotations

import io
import zipfile
from typing import Final, Literal

from interview.extraction import errors as e
from interview.extraction.errors import ExtractionError
from interview.extraction.limits import Limits

Kind = Literal["pdf", "docx", "txt"]

EXTENSIONS: Final[dict[str, Kind]] = {".pdf": "pdf", ".docx": "docx", ".txt": "txt"}
KIND_LABELS: Final[dict[str, str]] = {
    "pdf": "a PDF document",
    "docx": "a Word (.docx) document",
    "txt": "a plain-text file",
}
KIND_EXTENSIONS: Final[dict[Kind, str]] = {kind: ext for ext, kind in EXTENSIONS.items()}

# Recognised only to name them in the refusal.
_BINARY_MAGIC: Final[tuple[tuple[bytes, str], ...]] = (
    (b"MZ", "a Windows program"),
    (b"\x7fELF", "a Linux program"),
    (b"\xcf\xfa\xed\xfe", "a macOS program"),
    (b"\xca\xfe\xba\xbe", "a program"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"\x00asm", "a WebAssembly program"),
)
_OLE2_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC: Final = b"PK\x03\x04"
# A complete PDF ends with %%EOF; some writers add a little trailing junk after it.
_PDF_TAIL_BYTES: Final = 2048
# Parts a bomb inflates are big; small parts may compress well without being suspicious.
_RATIO_MIN_BYTES: Final = 1024 * 1024


def safe_display_name(filename: str) -> str:
    """Return the file's base name with path parts and control characters removed, at most 255 characters."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable()).strip().lstrip(".")
    return cleaned[-255:]


def kind_from_name(filename: str) -> Kind:
    """Return the kind the file's extension claims, refusing names without a supported extension."""
    name = safe_display_name(filename).lower()
    for extension, kind in EXTENSIONS.items():
        if name.endswith(extension) and len(name) > len(extension):
            return kind
    raise ExtractionError(e.BAD_NAME)


def check_size(size: int, limits: Limits) -> None:
    """Refuse empty files and files over the byte limit."""
    if size <= 0:
        raise ExtractionError(e.EMPTY)
    if size > limits.max_bytes:
        raise ExtractionError(e.TOO_LARGE, limit_mb=format_mb(limits.max_bytes))


def sniff(data: bytes, limits: Limits) -> Kind:
    """Return the document kind the bytes hold, or refuse them with the reason."""
    check_size(len(data), limits)
    head = data[:1024]
    if b"%PDF-" in head:
        check_pdf_complete(data)
        return "pdf"
    if data.startswith(_ZIP_MAGIC):
        check_docx_archive(data, limits)
        return "docx"
    if data.startswith(_OLE2_MAGIC):
        raise ExtractionError(e.LEGACY_WORD)
    for magic, label in _BINARY_MAGIC:
        if data.startswith(magic):
            raise ExtractionError(e.UNSUPPORTED, found=f" (it looks like {label})")
    if looks_binary(data):
        raise ExtractionError(e.UNSUPPORTED, found="")
    return "txt"


def check_name_matches(claimed: Kind, actual: Kind, filename: str) -> None:
    """Refuse a file whose extension names a different kind than its content."""
    if claimed != actual:
        extension = "." + safe_display_name(filename).rsplit(".", 1)[-1].lower()
        raise ExtractionError(
            e.MISMATCH, extension=extension, actual=KIND_LABELS[actual], expected=KIND_EXTENSIONS[actual]
        )


def check_pdf_complete(data: bytes) -> None:
    """Refuse a PDF cut off before its end marker (PDF readers would silently drop the missing pages)."""
    if b"%%EOF" not in data[-_PDF_TAIL_BYTES:]:
        raise ExtractionError(e.TRUNCATED)


def check_docx_archive(data: bytes, limits: Limits) -> None:
    """Refuse a zip that is not a Word document or that would unpack to far more than its size (a zip bomb)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ExtractionError(e.DAMAGED) from None
    names = {info.filename for info in infos}
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise ExtractionError(e.UNSUPPORTED, found=" (it is a zip archive, not a Word document)")
    if len(infos) > limits.docx_max_entries:
        raise ExtractionError(e.ARCHIVE_BOMB)
    if sum(info.file_size for info in infos) > limits.docx_max_unpacked_bytes:
        raise ExtractionError(e.ARCHIVE_BOMB)
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_MIN_BYTES and ratio > limits.docx_max_ratio:
            raise ExtractionError(e.ARCHIVE_BOMB)


def looks_binary(data: bytes) -> bool:
    """Whether the bytes are unlikely to be text: NUL bytes (outside UTF-16/32) or many control bytes."""
    sample = data[:65536]
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if b"\x00" in sample:
        # UTF-16 without a BOM has a NUL in every other byte; anything else with NULs is binary.
        return not _looks_utf16(sample)
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    return controls > len(sample) * 0.01


def _looks_utf16(sample: bytes) -> bool:
    even, odd = sample[0::2], sample[1::2]
    half = max(len(sample) // 2, 1)
    return even.count(0) > half * 0.4 or odd.count(0) > half * 0.4


def format_mb(size: int) -> str:
    """A byte count in megabytes with at most one decimal ("10", "0.1")."""
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")
