"""The extraction child process: `python -m interview.extraction.worker KIND LIMITS_JSON [UID:GID] < document`.

Before touching the document it imports its parser, switches to UID:GID when started as root (the
server's own files are imported while it still may read them), forbids regaining privileges,
limits its own memory, CPU time and file writes; then it reads the bytes from stdin, and writes one JSON object to stdout: {"ok": true, "text": ..., "pages": n} or
{"ok": false, "code": ..., "params": {...}}. Libraries' own output is sent to stderr so it cannot
corrupt the answer. Nothing here imports Django; `pymupdf4llm` is imported only in this process.
"""

from __future__ import annotations

import encodings
import importlib
import io
import json
import os
import pkgutil
import resource
import signal
import sys
from collections.abc import Callable
from typing import Any, BinaryIO

from interview.extraction import errors as e
from interview.extraction.errors import ExtractionError
from interview.extraction.limits import Limits
from interview.extraction.sandbox import Identity, child_drop_privileges
from interview.extraction.text import clean_text

# Fewer characters than this across all pages means there is no usable text layer.
MIN_TEXT_LAYER_CHARS = 20
# Diagnostics the child may write to its stderr file before writes start failing.
STDERR_FILE_LIMIT = 1024 * 1024
OUT_OF_MEMORY_MARKS = ("bad_alloc", "out of memory", "Out of memory", "MemoryError")


def apply_limits(limits: Limits) -> None:
    """Cap this process's address space, CPU time, file writes and core dumps."""
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    cpu = limits.effective_cpu_seconds
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # An oversized write then fails with EFBIG instead of killing the process.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (STDERR_FILE_LIMIT, STDERR_FILE_LIMIT))


def extract_pdf(data: bytes, limits: Limits) -> dict[str, Any]:
    """Return the PDF's text as Markdown, refusing encrypted, oversized, damaged or image-only files."""
    import pymupdf

    pymupdf.TOOLS.mupdf_display_errors(False)
    try:
        document = pymupdf.open(stream=data, filetype="pdf")
    except Exception:
        raise ExtractionError(e.DAMAGED) from None
    if document.needs_pass:
        raise ExtractionError(e.ENCRYPTED)
    pages = document.page_count
    if pages <= 0:
        raise ExtractionError(e.DAMAGED)
    if pages > limits.max_pages:
        raise ExtractionError(e.TOO_MANY_PAGES, pages=pages, limit=limits.max_pages)
    try:
        layer = sum(len("".join(page.get_text("text").split())) for page in document.pages())
    except Exception:
        raise ExtractionError(e.DAMAGED) from None
    if layer < MIN_TEXT_LAYER_CHARS:
        raise ExtractionError(e.NO_TEXT_LAYER)
    import pymupdf4llm

    # No OCR: a scan is refused above rather than guessed at.
    markdown = pymupdf4llm.to_markdown(document, use_ocr=False, show_progress=False)
    return {"text": clean_text(markdown, max_chars=limits.max_text_chars), "pages": pages}


def extract_docx(data: bytes, limits: Limits) -> dict[str, Any]:
    """Return the text of a Word document's headers, paragraphs and tables, in document order."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:
        raise ExtractionError(e.DAMAGED) from None
    lines: list[str] = []
    for section in document.sections:
        for paragraph in section.header.paragraphs:
            if paragraph.text.strip() and paragraph.text not in lines:
                lines.append(paragraph.text)
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            lines.extend(_table_lines(Table(child, document)))
    return {"text": clean_text("\n".join(lines), max_chars=limits.max_text_chars), "pages": None}


def _table_lines(table: Any) -> list[str]:
    """One line per row, cells separated by " | " (merged cells appear once)."""
    lines = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if not cells or cells[-1] != text:
                cells.append(text)
        if any(cells):
            lines.append(" | ".join(cells))
    return lines


EXTRACTORS: dict[str, Callable[[bytes, Limits], dict[str, Any]]] = {"pdf": extract_pdf, "docx": extract_docx}
# Imported before privileges are dropped: the unprivileged user may not be able to read the interpreter's files.
PARSER_MODULES: dict[str, tuple[str, ...]] = {
    "pdf": ("pymupdf", "pymupdf4llm"),
    "docx": ("docx", "docx.table", "docx.text.paragraph"),
}


def preload(kind: str, *, codecs: bool) -> None:
    """Import the parser for `kind` now and, with `codecs`, every text codec (parsers look those up lazily).

    A failure is only logged: it surfaces again, and is reported, when the parser runs.
    """
    names = list(PARSER_MODULES.get(kind, ()))
    if codecs:
        names += [f"encodings.{module.name}" for module in pkgutil.iter_modules(encodings.__path__)]
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as error:  # mbcs and oem exist only on Windows
            if not name.startswith("encodings."):
                print(f"extraction preload of {name} failed: {type(error).__name__}: {error}", file=sys.stderr)


def run(kind: str, limits: Limits, source: BinaryIO) -> dict[str, Any]:
    """Extract one document read from `source`, returning the JSON-ready answer."""
    try:
        data = source.read(limits.max_bytes + 1)
        if kind not in EXTRACTORS:
            raise ExtractionError(e.UNSUPPORTED)
        return {"ok": True, **EXTRACTORS[kind](data, limits)}
    except ExtractionError as error:
        return {"ok": False, "code": error.code, "params": error.params}
    except MemoryError:
        return {"ok": False, "code": e.RESOURCES, "params": {}}
    except ImportError as error:  # under RLIMIT_AS, shared libraries fail to map when memory runs out
        print(f"extraction import failed: {error}", file=sys.stderr)
        return {"ok": False, "code": e.RESOURCES, "params": {}}
    except Exception as error:  # a parser bug on hostile input: the document is what is wrong
        print(f"extraction failed: {type(error).__name__}: {error}", file=sys.stderr)
        # Native libraries (the layout model's runtime) report an allocation refused under RLIMIT_AS this way.
        code = e.RESOURCES if any(mark in str(error) for mark in OUT_OF_MEMORY_MARKS) else e.DAMAGED
        return {"ok": False, "code": code, "params": {}}


def main(argv: list[str]) -> int:
    """Entry point of the child process."""
    kind, limits = argv[1], Limits.from_json(argv[2])
    identity = Identity.from_arg(argv[3]) if len(argv) > 3 else None
    answer = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # anything a library prints goes to stderr, not into the answer
    sys.stdout = sys.stderr
    preload(kind, codecs=identity is not None)
    try:
        child_drop_privileges(identity)
    except (OSError, RuntimeError) as error:  # never parse hostile input with the privileges we meant to shed
        print(f"extraction sandbox failed: {type(error).__name__}: {error}", file=sys.stderr)
        result: dict[str, Any] = {"ok": False, "code": e.UNAVAILABLE, "params": {}}
    else:
        apply_limits(limits)
        result = run(kind, limits, sys.stdin.buffer)
    answer.write(json.dumps(result, ensure_ascii=False))
    answer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
