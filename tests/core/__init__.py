"""Tests of interview/core/: errors, ids, the prompt fence, health and shared pages."""
