"""A fake OpenID Connect provider on 127.0.0.1: real HTTP, real RSA keys, real signed ID tokens.

Serves the discovery document, an authorization endpoint that approves at once (redirecting back with a
code and the caller's state), a token endpoint (client secret, redirect URI and PKCE checked; each code
works once), userinfo, and a JWKS with an RSA key generated at start. `mode` turns on one kind of bad
answer: "bad_signature", "wrong_audience", "expired", "wrong_issuer" (the ID token), "slow" (every answer
waits `delay` seconds), "deny" (the user refuses). `stop()` takes it down. Use the `fake_oidc` fixture.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "active-interview-test"
CLIENT_SECRET = "fake-oidc-secret"
KID = "fake-key-1"


@dataclass
class Identity:
    """Who the provider says is signing in."""

    sub: str = "fake-user-1"
    email: str = "oidc.user@example.com"
    email_verified: bool = True
    name: str = "Olivia Idc"
    preferred_username: str = "olivia"

    def claims(self) -> dict[str, Any]:
        return {
            "sub": self.sub,
            "email": self.email,
            "email_verified": self.email_verified,
            "name": self.name,
            "preferred_username": self.preferred_username,
        }


@dataclass
class Grant:
    client_id: str
    redirect_uri: str
    nonce: str | None
    challenge: str | None
    identity: Identity
    used: bool = False


@dataclass
class FakeOIDCProvider:
    """The provider's state; its HTTP server runs on a background thread."""

    identity: Identity = field(default_factory=Identity)
    mode: str = ""
    delay: float = 0.0
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    requests: list[str] = field(default_factory=list)
    grants: dict[str, Grant] = field(default_factory=dict)
    tokens: dict[str, Identity] = field(default_factory=dict)
    key: Any = field(default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048))
    server: ThreadingHTTPServer | None = None

    @property
    def issuer(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def app(self, provider_id: str = "fake", name: str = "Fake IdP") -> dict[str, Any]:
        """This provider as one entry of OIDC_PROVIDERS (allauth's openid_connect APPS format)."""
        return {
            "provider_id": provider_id,
            "name": name,
            "client_id": self.client_id,
            "secret": self.client_secret,
            "settings": {"server_url": self.issuer},
        }

    def discovery(self) -> dict[str, Any]:
        base = self.issuer
        return {
            "issuer": base,
            "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token",
            "userinfo_endpoint": f"{base}/userinfo",
            "jwks_uri": f"{base}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict[str, Any]:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": KID, "use": "sig", "alg": "RS256"}]}

    def id_token(self, grant: Grant) -> str:
        now = int(time.time())
        claims = {
            **grant.identity.claims(),
            "iss": self.issuer + ("/elsewhere" if self.mode == "wrong_issuer" else ""),
            "aud": "someone-else" if self.mode == "wrong_audience" else grant.client_id,
            "iat": now - (7200 if self.mode == "expired" else 0),
            "exp": now - 3600 if self.mode == "expired" else now + 300,
        }
        if grant.nonce:
            claims["nonce"] = grant.nonce
        signer = self.key
        if self.mode == "bad_signature":  # same kid, another key: the published key does not verify it
            signer = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return jwt.encode(claims, signer, algorithm="RS256", headers={"kid": KID})

    def authorize(self, query: dict[str, str]) -> str:
        """Approve at once: the URL the browser is sent back to."""
        redirect_uri = query.get("redirect_uri", "")
        if self.mode == "deny":
            answer = {"error": "access_denied", "state": query.get("state", "")}
            return f"{redirect_uri}?{urlencode(answer)}"
        code = secrets.token_urlsafe(16)
        self.grants[code] = Grant(
            client_id=query.get("client_id", ""),
            redirect_uri=redirect_uri,
            nonce=query.get("nonce"),
            challenge=query.get("code_challenge"),
            identity=Identity(**vars(self.identity)),
        )
        return f"{redirect_uri}?{urlencode({'code': code, 'state': query.get('state', '')})}"

    def token(self, form: dict[str, str], basic: tuple[str, str] | None) -> tuple[int, dict[str, Any]]:
        client_id, secret = basic or (form.get("client_id", ""), form.get("client_secret", ""))
        if (client_id, secret) != (self.client_id, self.client_secret):
            return 401, {"error": "invalid_client"}
        grant = self.grants.get(form.get("code", ""))
        if grant is None or grant.used or grant.redirect_uri != form.get("redirect_uri"):
            return 400, {"error": "invalid_grant"}
        grant.used = True  # a replayed code is refused
        if grant.challenge:
            digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant.challenge:
                return 400, {"error": "invalid_grant", "error_description": "PKCE verifier mismatch"}
        access = secrets.token_urlsafe(24)
        self.tokens[access] = grant.identity
        body = {"access_token": access, "token_type": "Bearer", "expires_in": 300, "id_token": self.id_token(grant)}
        return 200, body

    def start(self) -> FakeOIDCProvider:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Take the provider down: the port then refuses connections."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


def _handler_for(provider: FakeOIDCProvider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _send(self, status: int, body: Any = None, location: str = "") -> None:
            if provider.mode == "slow":
                time.sleep(provider.delay)
            try:
                self.send_response(status)
            except (BrokenPipeError, ConnectionResetError):
                return
            if location:
                self.send_header("Location", location)
            payload = json.dumps(body).encode() if body is not None else b""
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            try:
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting ("slow")
                pass

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            provider.requests.append(f"GET {url.path}")
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/.well-known/openid-configuration":
                self._send(200, provider.discovery())
            elif url.path == "/jwks":
                self._send(200, provider.jwks())
            elif url.path == "/authorize":
                self._send(302, location=provider.authorize(query))
            elif url.path == "/userinfo":
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                identity = provider.tokens.get(token)
                self._send(200, identity.claims()) if identity else self._send(401, {"error": "invalid_token"})
            else:
                self._send(404, {"error": "not_found"})

        def do_POST(self) -> None:
            url = urlsplit(self.path)
            provider.requests.append(f"POST {url.path}")
            length = int(self.headers.get("Content-Length") or 0)
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if url.path != "/token":
                self._send(404, {"error": "not_found"})
                return
            basic = None
            auth = self.headers.get("Authorization", "")
            if auth.startswith("Basic "):
                user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
                basic = (user, password)
            self._send(*provider.token(form, basic))

    return Handler


@pytest.fixture
def fake_oidc():
    """A running fake provider, stopped after the test."""
    provider = FakeOIDCProvider().start()
    yield provider
    provider.stop()
