"""Tests of interview/setup/: tags, banks, questions, templates, assembly."""
