"""Tests of interview/extraction/: sandboxed text extraction."""
