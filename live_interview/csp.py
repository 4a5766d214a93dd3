"""HTTP middleware: the Content-Security-Policy header on every response."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponseBase
from django.utils.deprecation import MiddlewareMixin

HEADER = "Content-Security-Policy"
REPORT_ONLY_HEADER = "Content-Security-Policy-Report-Only"


def policy_text(directives: Mapping[str, Sequence[str]], *, host: str = "", secure: bool = False) -> str:
    """Render directives as a header value; `connect-src` also gets this host's WebSocket origin.

    CSP Level 3 lets 'self' match ws(s): on the same host, but older browsers need it spelled out.
    """
    parts = []
    for name, sources in directives.items():
        values = list(sources)
        if name == "connect-src" and host:
            values.append(f"{'wss' if secure else 'ws'}://{host}")
        parts.append(" ".join([name, *values]).strip())
    return "; ".join(parts)


class ContentSecurityPolicyMiddleware(MiddlewareMixin):
    """Set settings.CONTENT_SECURITY_POLICY on each response that has none, except under CSP_EXEMPT_PATHS."""

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        """Runs on every response; a view that set its own policy keeps it."""
        directives = settings.CONTENT_SECURITY_POLICY
        if not directives or HEADER in response or REPORT_ONLY_HEADER in response:
            return response
        if any(request.path.startswith(prefix) for prefix in settings.CSP_EXEMPT_PATHS):
            return response
        if settings.DEBUG and response.status_code in (404, 500):
            return response  # Django's technical error pages (DEBUG only) carry inline script and style
        try:
            host = request.get_host()
        except DisallowedHost:  # the 400 for a foreign Host header still gets a policy, without ws(s)
            host = ""
        header = REPORT_ONLY_HEADER if settings.CSP_REPORT_ONLY else HEADER
        response[header] = policy_text(directives, host=host, secure=request.is_secure())
        return response
