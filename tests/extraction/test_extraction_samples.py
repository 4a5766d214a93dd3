"""The sample documents (tests/extraction/samples.py) are what they claim."""

from __future__ import annotations

import io
import zipfile

import pymupdf

from tests.extraction.samples import make_docx_bomb, make_encrypted_pdf, make_pdf, make_scanned_pdf


def test_make_pdf_has_text_layer():
    assert "Senior Python developer" in pymupdf.open(stream=make_pdf(), filetype="pdf")[0].get_text()


def test_make_encrypted_pdf_needs_password():
    assert pymupdf.open(stream=make_encrypted_pdf(), filetype="pdf").needs_pass


def test_make_scanned_pdf_has_no_text():
    assert pymupdf.open(stream=make_scanned_pdf(), filetype="pdf")[0].get_text().strip() == ""


def test_make_docx_bomb_unpacks_to_far_more_than_its_size():
    bomb = make_docx_bomb()
    unpacked = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(bomb)).infolist())
    assert len(bomb) < 2 * 1024 * 1024 < 100 * 1024 * 1024 < unpacked
