"""Tests of interview/management/: the manage.py commands."""
