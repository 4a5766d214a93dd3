"""Template context shared by every page: the interviewer in use and the user's role (for the nav)."""

from django.conf import settings
from django.http import HttpRequest

from interview.accounts.permissions import role_of


def product(request: HttpRequest) -> dict[str, object]:
    """Whether the offline interviewer is in use (every page says so), and the user's role for the nav."""
    role = role_of(request.user) if hasattr(request, "user") else None
    return {
        "LLM_OFFLINE": settings.LLM_OFFLINE,
        "LLM_MODEL": settings.OPENAI_MODEL,
        "user_role": role,
        "can_manage_setup": role in ("interviewer", "admin"),
        "is_admin_role": role == "admin",
    }
