"""OpenID Connect login and callback views: allauth's, except that an ID token's signature is always checked.

allauth skips the signature when the token came straight from the token endpoint over TLS (the spec
allows it); we check it anyway against the provider's JWKS, so a misconfigured or spoofed token
endpoint (plain HTTP, a proxy) cannot hand us a forged identity.
"""

from __future__ import annotations

import re
from typing import Any

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.http import Http404, HttpRequest, HttpResponse
from requests import RequestException


class VerifiedOpenIDConnectAdapter(OpenIDConnectOAuth2Adapter):
    """allauth's OpenID Connect adapter with the ID token's signature, issuer, audience and expiry all checked."""

    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict[str, Any]:
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )


_PROVIDER_ID = re.compile(r"[A-Za-z0-9_.-]{1,100}")


def _checked(provider_id: str) -> str:
    """A provider id as settings can name one (letters, digits, '_', '.', '-'); anything else is a 404 before
    a database lookup (PostgreSQL refuses a NUL byte in a text parameter with an error, not an empty result)."""
    if not _PROVIDER_ID.fullmatch(provider_id):
        raise Http404("No such sign-in provider.")
    return provider_id


@login_not_required
def oidc_login(request: HttpRequest, provider_id: str) -> HttpResponse:
    """GET: a page with a button; POST: redirect to the provider's authorization endpoint (read from its
    discovery document, so a provider that is down or slow is reported on the login page)."""
    adapter = VerifiedOpenIDConnectAdapter(request, _checked(provider_id))
    try:
        return OAuth2LoginView.adapter_view(adapter)(request)
    except SocialApp.DoesNotExist as exc:
        raise Http404("No such sign-in provider.") from exc
    except (RequestException, ValueError, KeyError) as exc:  # unreachable, slow, or a broken discovery document
        return render_authentication_error(request, adapter.get_provider(), exception=exc)


@login_not_required
def oidc_callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    """The provider sends the browser back here with a code and the state we gave it."""
    adapter = VerifiedOpenIDConnectAdapter(request, _checked(provider_id))
    try:
        return OAuth2CallbackView.adapter_view(adapter)(request)
    except SocialApp.DoesNotExist as exc:
        raise Http404("No such sign-in provider.") from exc
    except (RequestException, ValueError, KeyError) as exc:  # a discovery document or key set that is broken
        return render_authentication_error(request, adapter.get_provider(), exception=exc)
