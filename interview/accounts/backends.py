"""Log in with a username or an email address (case-insensitive)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.http import HttpRequest


class UsernameOrEmailBackend(ModelBackend):
    """Authenticate by username, or by email when the identifier contains an @."""

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if username and "@" in username:
            user_model = get_user_model()
            user = user_model._default_manager.filter(email__iexact=username).order_by("id").first()
            if user is None:
                user_model().set_password(password)  # same cost as a real check: no timing oracle
                return None
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
