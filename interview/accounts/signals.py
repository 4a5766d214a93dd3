"""Sign-in events allauth has no signal for (for the audit log to connect to).

- `login_locked_out(sender, request, identifier)`: an attempt refused because the account or the
  address has used up its failed-login allowance (login page and API token endpoint alike).
- `social_login_failed(sender, request, provider_id, error, exception)`: a provider round trip that did
  not complete (bad or expired ID token, tampered state or code, provider down or slow, user refused).
- `llm_consent_given(sender, user)`: a user agreed to send their data to the configured model (sent after
  the commit; documents queues the job listings that waited for it).
"""

from django.dispatch import Signal

login_locked_out = Signal()
social_login_failed = Signal()
llm_consent_given = Signal()
