"""Type sniffing, name checks, zip-bomb checks and text decoding: the checks that run before any parser."""

from __future__ import annotations

import codecs

import pytest

from interview.extraction import ExtractionError, Limits, extract_document
from interview.extraction.sniff import check_docx_archive, kind_from_name, safe_display_name, sniff
from interview.extraction.text import clean_text, decode_text
from tests.extraction.samples import (
    make_docx,
    make_docx_bomb,
    make_executable,
    make_pdf,
    make_truncated_pdf,
    make_zip_not_docx,
)

LIMITS = Limits()
TEXT = "Zoë Müller — Café owner, 10 years’ experience"


def refusal(data: bytes, filename: str, limits: Limits = LIMITS) -> str:
    with pytest.raises(ExtractionError) as caught:
        extract_document(data, filename=filename, limits=limits)
    return caught.value.code


def test_sniff_pdf_by_magic():
    assert sniff(make_pdf(), LIMITS) == "pdf"


def test_sniff_docx_by_zip_contents():
    assert sniff(make_docx(), LIMITS) == "docx"


def test_sniff_text():
    assert sniff(TEXT.encode(), LIMITS) == "txt"


def test_sniff_refuses_plain_zip():
    with pytest.raises(ExtractionError) as caught:
        sniff(make_zip_not_docx(), LIMITS)
    assert caught.value.code == "unsupported"


def test_sniff_names_the_executable():
    with pytest.raises(ExtractionError) as caught:
        sniff(make_executable(), LIMITS)
    assert "Windows program" in caught.value.message


def test_sniff_refuses_binary_without_magic():
    assert refusal(bytes(range(256)) * 8, "notes.txt") == "unsupported"


def test_sniff_refuses_legacy_word():
    assert refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "cv.docx") == "legacy_word"


def test_extract_refuses_empty_file():
    assert refusal(b"", "cv.txt") == "empty"


def test_extract_refuses_oversize_file():
    assert refusal(b"a" * 101, "cv.txt", Limits(max_bytes=100)) == "too_large"


def test_extract_refuses_unknown_extension():
    assert refusal(TEXT.encode(), "cv.rtf") == "bad_name"


def test_extract_refuses_extension_only_name():
    assert refusal(TEXT.encode(), ".txt") == "bad_name"


def test_extract_refuses_pdf_named_docx():
    assert refusal(make_pdf(), "cv.docx") == "extension_mismatch"


def test_extract_mismatch_message_says_what_to_rename_to():
    with pytest.raises(ExtractionError) as caught:
        extract_document(make_pdf(), filename="cv.txt", limits=LIMITS)
    assert "Rename it to end in .pdf" in caught.value.message


def test_extract_refuses_truncated_pdf():
    assert refusal(make_truncated_pdf(), "cv.pdf") == "truncated"


def test_docx_bomb_refused_by_unpacked_size():
    with pytest.raises(ExtractionError) as caught:
        check_docx_archive(make_docx_bomb(), LIMITS)
    assert caught.value.code == "archive_bomb"


def test_docx_bomb_refused_by_ratio_under_size_limit():
    limits = Limits(docx_max_unpacked_bytes=10**10)
    with pytest.raises(ExtractionError) as caught:
        check_docx_archive(make_docx_bomb(), limits)
    assert caught.value.code == "archive_bomb"


def test_docx_with_too_many_parts_refused():
    with pytest.raises(ExtractionError) as caught:
        check_docx_archive(make_docx(), Limits(docx_max_entries=3))
    assert caught.value.code == "archive_bomb"


def test_safe_display_name_drops_path_parts():
    assert safe_display_name("../../etc/passwd.txt") == "passwd.txt"


def test_safe_display_name_drops_windows_path_parts():
    assert safe_display_name("..\\..\\boot.ini.txt") == "boot.ini.txt"


def test_safe_display_name_drops_control_characters():
    assert safe_display_name("cv\x00\x1b.txt") == "cv.txt"


def test_kind_from_name_ignores_case():
    assert kind_from_name("CV.PDF") == "pdf"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-32"), "utf-32"),
        (TEXT.encode("cp1252"), "cp1252"),
    ],
)
def test_decode_text_reads_encoding(data, encoding):
    assert decode_text(data) == (TEXT, encoding)


def test_decode_text_falls_back_to_latin1():
    assert decode_text("naïve".encode("latin-1") + b"\x81")[1] == "latin-1"


def test_extract_text_file_in_utf16():
    assert extract_document(TEXT.encode("utf-16"), filename="cv.txt", limits=LIMITS).text == TEXT


def test_extract_text_file_reports_encoding():
    assert extract_document(TEXT.encode("cp1252"), filename="cv.txt", limits=LIMITS).encoding == "cp1252"


def test_clean_text_normalises_newlines_and_blank_runs():
    assert clean_text("a\r\n\r\n\r\n\r\nb\rc  \n", max_chars=100) == "a\n\nb\nc"


def test_clean_text_drops_control_characters():
    assert clean_text("a\x00b\x07c", max_chars=100) == "abc"


def test_clean_text_refuses_whitespace_only():
    with pytest.raises(ExtractionError) as caught:
        clean_text(" \n\t ", max_chars=100)
    assert caught.value.code == "no_text"


def test_clean_text_refuses_too_much_text():
    with pytest.raises(ExtractionError) as caught:
        clean_text("x" * 101, max_chars=100)
    assert caught.value.code == "too_much_text"
