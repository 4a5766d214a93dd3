"""Kept for stored sessions: each logged-in session names its backend by this dotted path.

The backend lives in `interview.accounts.backends`; `AUTHENTICATION_BACKENDS` keeps naming this path
so that sessions created before the move stay logged in.
"""

from interview.accounts.backends import UsernameOrEmailBackend

__all__ = ["UsernameOrEmailBackend"]
