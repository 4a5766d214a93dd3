"""PDF and DOCX extraction in the child process: real files, refusals, and the time and memory limits."""

from __future__ import annotations

import signal

import pytest

from interview.extraction import ExtractionError, Limits, extract_document
from interview.extraction.runner import run_child
from tests.extraction.samples import (
    make_blank_pages_pdf,
    make_docx,
    make_encrypted_pdf,
    make_pdf,
    make_scanned_pdf,
)

LIMITS = Limits()


def refusal(data: bytes, filename: str, limits: Limits = LIMITS) -> ExtractionError:
    with pytest.raises(ExtractionError) as caught:
        extract_document(data, filename=filename, limits=limits)
    return caught.value


def test_pdf_text_extracted_as_markdown():
    document = extract_document(make_pdf(pages=2), filename="cv.pdf", limits=LIMITS)
    assert "Senior Python developer" in document.text


def test_pdf_page_count_reported():
    assert extract_document(make_pdf(pages=2), filename="cv.pdf", limits=LIMITS).pages == 2


def test_docx_paragraphs_and_tables_extracted_in_order():
    data = make_docx(["Jane Doe", "Experience"], table=[["Skill", "Years"], ["Python", "6"]])
    text = extract_document(data, filename="cv.docx", limits=LIMITS).text
    assert text == "Jane Doe\nExperience\nSkill | Years\nPython | 6"


def test_docx_stored_extension_comes_from_content():
    assert extract_document(make_docx(), filename="My CV.DOCX", limits=LIMITS).extension == ".docx"


def test_docx_without_text_refused():
    assert refusal(make_docx([]), "cv.docx").code == "no_text"


def test_encrypted_pdf_refused():
    assert refusal(make_encrypted_pdf(), "cv.pdf").code == "encrypted"


def test_pdf_over_page_cap_refused_with_count():
    error = refusal(make_blank_pages_pdf(3000), "cv.pdf")
    assert (error.code, error.params) == ("too_many_pages", {"pages": 3000, "limit": 30})


def test_scanned_pdf_refused_not_guessed():
    error = refusal(make_scanned_pdf(), "scan.pdf")
    assert error.code == "no_text_layer" and "scan" in error.message


def test_pdf_over_text_limit_refused():
    assert refusal(make_pdf(pages=3), "cv.pdf", Limits(max_text_chars=50)).code == "too_much_text"


def test_damaged_pdf_refused():
    garbage = b"%PDF-1.7\n" + b"\x00garbage" * 200 + b"\n%%EOF\n"
    assert refusal(garbage, "cv.pdf").code == "damaged"


def test_damaged_docx_refused():
    data = bytearray(make_docx())
    start = data.find(b"word/document.xml") + 40
    data[start : start + 400] = b"\xff" * 400  # corrupt the compressed document part
    assert refusal(bytes(data), "cv.docx").code == "damaged"


def test_child_killed_after_timeout():
    assert refusal(make_pdf(), "cv.pdf", Limits(timeout_seconds=0.05)).code == "timeout"


def test_child_memory_limit_refuses_instead_of_crashing():
    assert refusal(make_pdf(), "cv.pdf", Limits(memory_bytes=64 * 1024 * 1024)).code == "resources"


def test_child_unknown_kind_refused():
    with pytest.raises(ExtractionError) as caught:
        run_child("exe", b"MZ", LIMITS)
    assert caught.value.code == "unsupported"


def test_child_gets_no_server_secrets(monkeypatch):
    from interview.extraction import runner

    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret")
    assert "OPENAI_API_KEY" not in runner._child_env()


def interpret(returncode: int, output: bytes = b"", stderr: bytes = b"") -> str:
    import tempfile

    from interview.extraction.runner import _interpret

    with tempfile.TemporaryFile() as err:
        err.write(stderr)
        with pytest.raises(ExtractionError) as caught:
            _interpret(returncode, output, err, LIMITS)
    return caught.value.code


def test_child_segfault_reads_as_damaged():
    assert interpret(-signal.SIGSEGV) == "damaged"


def test_child_cpu_limit_reads_as_timeout():
    assert interpret(-signal.SIGXCPU) == "timeout"


def test_child_killed_by_oom_killer_reads_as_resources():
    assert interpret(-signal.SIGKILL) == "resources"


def test_child_garbage_output_reads_as_damaged():
    assert interpret(0, b"not json") == "damaged"


def test_children_limited_per_process(monkeypatch):
    import threading

    from interview.extraction import runner

    monkeypatch.setattr(runner, "_slots", threading.BoundedSemaphore(1))
    runner._slots.acquire()
    assert refusal(make_pdf(), "cv.pdf", Limits(timeout_seconds=0.01)).code == "busy"
