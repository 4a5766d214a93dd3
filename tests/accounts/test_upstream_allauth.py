"""The private names of django-allauth our code relies on: these fail first when an upgrade moves them."""

from __future__ import annotations

import inspect

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter


def test_upstream_allauth_ratelimit_helpers_keep_their_signatures():
    assert list(inspect.signature(ratelimit.get_rates).parameters) == ["app", "action", "config"]
    assert list(inspect.signature(ratelimit.get_cache_key).parameters) == [
        "request",
        "app",
        "action",
        "rate",
        "key",
        "user",
    ]


def test_upstream_allauth_rate_history_is_newest_first():
    rate = ratelimit.Rate(2, 60, "ip")
    _, history = ratelimit.apply_rate([], 100.0, rate)
    _, history = ratelimit.apply_rate(history, 101.0, rate)
    assert history == [101.0, 100.0]


def test_upstream_allauth_login_attempts_key_hook_exists():
    # interview.accounts.adapters.AccountAdapter overrides it to count failures per account.
    assert callable(DefaultAccountAdapter._get_login_attempts_cache_key)
    assert "_get_login_attempts_cache_key" in inspect.getsource(DefaultAccountAdapter.pre_authenticate)


def test_upstream_allauth_oidc_adapter_decodes_id_tokens_in_one_overridable_method():
    # interview.accounts.oidc.VerifiedOpenIDConnectAdapter overrides it to always check the signature.
    source = inspect.getsource(OpenIDConnectOAuth2Adapter.complete_login)
    assert "self._decode_id_token(app, id_token_str)" in source
