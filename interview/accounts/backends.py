"""Log in with a username or an email address (case-insensitive): allauth's backend under our stored path."""

from allauth.account.auth_backends import AuthenticationBackend


class UsernameOrEmailBackend(AuthenticationBackend):
    """allauth's backend: a username, or an email address (also when sent as `username`, as the API does).

    Kept as its own class because sessions store the backend's dotted path
    (`interview.auth_backends.UsernameOrEmailBackend`) and must stay logged in.
    """
