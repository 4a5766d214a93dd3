"""Tests of interview/admin/: the Django admin."""
