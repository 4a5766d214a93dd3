"""Tests of interview/accounts/: registration, login, tokens, permissions, roles, email verification."""
