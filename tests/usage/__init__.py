"""Tests of interview/usage/: the token ledger and its pages."""
