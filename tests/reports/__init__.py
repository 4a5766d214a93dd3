"""Tests of interview/reports/: grading, reports, PDF, CSV."""
