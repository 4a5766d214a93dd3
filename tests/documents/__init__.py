"""Tests of interview/documents/: resumes, job listings, parsing, recommendation."""
