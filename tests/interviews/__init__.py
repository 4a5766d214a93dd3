"""Tests of interview/interviews/: chats, transcript rules, prompts, the interview service."""
