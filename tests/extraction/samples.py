"""Sample documents built by the tests themselves: real PDFs, DOCX files, zips and executables."""

from __future__ import annotations

import functools
import io
import zipfile

import docx
import pymupdf

RESUME_LINES = ["Jane Doe", "Senior Python developer", "Skills: Django, PostgreSQL, AWS"]


def make_pdf(lines: list[str] | None = None, *, pages: int = 1) -> bytes:
    """A real PDF with a text layer: the lines on every page."""
    document = pymupdf.open()
    for number in range(pages):
        page = document.new_page()
        page.insert_text((72, 72), "\n".join([*(lines or RESUME_LINES), f"Page {number + 1}"]), fontsize=11)
    return document.tobytes()


def make_blank_pages_pdf(pages: int) -> bytes:
    """A PDF with many empty pages (fast to build, fast to count)."""
    document = pymupdf.open()
    for _ in range(pages):
        document.new_page()
    return document.tobytes(garbage=0)


def make_encrypted_pdf() -> bytes:
    """A PDF that needs a password to open."""
    document = pymupdf.open(stream=make_pdf(), filetype="pdf")
    return document.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")


def make_scanned_pdf() -> bytes:
    """A PDF whose only page is a picture: no text layer, like a scan."""
    document = pymupdf.open()
    page = document.new_page()
    pixmap = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 200, 100), False)
    pixmap.clear_with(200)
    page.insert_image(pymupdf.Rect(72, 72, 472, 272), pixmap=pixmap)
    return document.tobytes()


def make_truncated_pdf() -> bytes:
    """A real PDF cut in half, as an interrupted download leaves it."""
    data = make_pdf(pages=3)
    return data[: len(data) // 2]


def make_docx(paragraphs: list[str] | None = None, *, table: list[list[str]] | None = None) -> bytes:
    """A real Word document with paragraphs and, optionally, a table after them."""
    document = docx.Document()
    for text in paragraphs if paragraphs is not None else RESUME_LINES:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@functools.cache
def make_docx_bomb(unpacked_bytes: int = 200 * 1024 * 1024) -> bytes:
    """A zip laid out like a DOCX whose document part inflates to `unpacked_bytes` (a few hundred KB packed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b" " * (1024 * 1024)
            for _ in range(unpacked_bytes // len(chunk)):
                part.write(chunk)
    return buffer.getvalue()


def make_zip_not_docx() -> bytes:
    """An ordinary zip archive (not a Word document)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return buffer.getvalue()


def make_executable() -> bytes:
    """The start of a Windows executable."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(range(256)) * 4
