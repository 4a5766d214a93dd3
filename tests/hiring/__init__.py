"""Tests of interview/hiring/: invitations, the invitation clock, calendar files, review, candidates."""
