"""Consent to send a user's documents and answers to the configured model (docs/operations.md "Consent").

A user's consent counts only for the provider it was given for: the label shown ("OpenAI (api.openai.com)",
"llama.cpp at 127.0.0.1") is stored with it, and a different label today means "never asked". With the
offline interviewer nothing leaves the server, so nothing is asked.

States: `not_needed` (offline), `agreed`, `declined` (the user said no: they practise with the offline
interviewer and their documents are never sent), `unasked` (never asked, or asked for another provider).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from interview.accounts.signals import llm_consent_given
from interview.audit.actions import AuditAction
from interview.audit.services import audit_record
from interview.core.errors import ErrorCode, ServiceError
from interview.models import UserProfile

NOT_NEEDED, AGREED, DECLINED, UNASKED = "not_needed", "agreed", "declined", "unasked"
OPENAI_HOST = "api.openai.com"
REQUIRED_MESSAGE = (
    "Before your documents or answers are sent to {provider}, agree to it on the consent page "
    "(or decline and practise with the offline interviewer)."
)
DECLINED_PARSING_REASON = (
    "Not parsed: you have not agreed to send your documents to the AI model. Agree on the consent page "
    "and parsing starts."
)


@dataclass(frozen=True)
class Provider:
    """The configured model's provider as the consent page shows it."""

    name: str
    host: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.host})" if self.name == "OpenAI" else f"{self.name} at {self.host}"


def llm_provider() -> Provider | None:
    """The configured provider, from settings; None for the offline interviewer (nothing is sent anywhere)."""
    if settings.LLM_OFFLINE:
        return None
    base = str(settings.OPENAI_BASE_URL)
    host = (urlsplit(base).hostname or base) if base else OPENAI_HOST
    default = "OpenAI" if host == OPENAI_HOST else "OpenAI-compatible server"
    return Provider(name=str(settings.LLM_PROVIDER_NAME) or default, host=host)


def consent_state_of(profile: UserProfile | None, provider: Provider | None = None) -> str:
    """The profile's consent state for the provider configured now (pass `provider` to read settings once)."""
    provider = provider if provider is not None else llm_provider()
    if provider is None:
        return NOT_NEEDED
    if profile is None or profile.llm_consent is None or profile.llm_consent_provider != provider.label:
        return UNASKED
    return AGREED if profile.llm_consent else DECLINED


def consent_state(user: Any) -> str:
    """The user's consent state, read from the database (a stale consent is `unasked`)."""
    provider = llm_provider()
    if provider is None:
        return NOT_NEEDED
    return consent_state_of(UserProfile.objects.filter(user_id=user.pk).first(), provider)


def consent_refusal() -> ServiceError:
    """The refusal of work that needs consent the user has not given."""
    provider = llm_provider()
    return ServiceError(
        ErrorCode.CONSENT_REQUIRED, REQUIRED_MESSAGE.format(provider=provider.label if provider else "")
    )


def consent_check(user: Any) -> str:
    """Refuse (consent_required) a user who was never asked for the provider configured now; else their state."""
    state = consent_state(user)
    if state == UNASKED:
        raise consent_refusal()
    return state


def consent_record(*, user: Any, agreed: bool, request: Any = None) -> str:
    """Store the user's answer for the provider shown now, audited; refused (invalid) when nothing is asked."""
    provider = llm_provider()
    if provider is None:
        raise ServiceError(ErrorCode.INVALID, "No AI model is configured, so there is nothing to agree to.")
    with transaction.atomic():
        profile, _ = UserProfile.objects.select_for_update().get_or_create(user=user)
        was = consent_state_of(profile, provider)
        profile.llm_consent, profile.llm_consent_provider = agreed, provider.label
        profile.llm_consent_at = timezone.now()
        profile.save(update_fields=["llm_consent", "llm_consent_provider", "llm_consent_at", "updated_at"])
        if agreed and was != AGREED:
            audit_record(
                actor=user,
                action=AuditAction.CONSENT_GIVEN,
                subject=user,
                request=request,
                detail={"provider": provider.label},
            )
        elif not agreed and was != DECLINED:
            audit_record(
                actor=user,
                action=AuditAction.CONSENT_WITHDRAWN,
                subject=user,
                request=request,
                detail={"provider": provider.label, "was": was},
            )
        if agreed:
            transaction.on_commit(lambda: llm_consent_given.send(sender=UserProfile, user=user))
    return AGREED if agreed else DECLINED


def consent_redirect(request: Any) -> Any:
    """A redirect to the consent page that comes back to this page afterwards."""
    return redirect(reverse("account_consent") + "?" + urlencode({"next": request.get_full_path()}))


def consent_page_required(view: Any) -> Any:
    """Page decorator: a signed-in user never asked for the configured provider goes to the consent page first."""

    def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and consent_state(request.user) == UNASKED:
            return consent_redirect(request)
        return view(request, *args, **kwargs)

    wrapped.__name__, wrapped.__doc__ = view.__name__, view.__doc__
    wrapped.__wrapped__ = view  # type: ignore[attr-defined]
    return wrapped
