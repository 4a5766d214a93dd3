"""Helpers of the audit tests: reading events, a database that refuses to store one, a TOTP code, and a
round trip through an identity provider."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import requests
from django.db import connection

from interview.audit.actions import AuditAction
from interview.models import AuditEvent


def events(action: AuditAction, **filters: Any) -> list[AuditEvent]:
    """The stored events of one action (narrowed by `filters`), oldest first."""
    return list(AuditEvent.objects.filter(action=action.value, **filters).order_by("created_at", "id"))


def only_event(action: AuditAction, **filters: Any) -> AuditEvent:
    """The one stored event of `action` (narrowed by `filters`); fails when there are none or several."""
    found = events(action, **filters)
    assert len(found) == 1, f"expected exactly one {action} event, found {len(found)}"
    return found[0]


def target_of(obj: Any) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


@contextmanager
def audit_inserts_refused() -> Iterator[None]:
    """Make the database refuse every new audit event (a trigger, dropped afterwards): a change whose event
    cannot be written must roll back with it, which shows the two share one transaction."""
    if connection.vendor == "postgresql":
        create = [
            "CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'audit insert refused by the test'; END $$",
            "CREATE TRIGGER test_refuse_audit BEFORE INSERT ON interview_auditevent "
            "FOR EACH ROW EXECUTE FUNCTION test_refuse_audit()",
        ]
        drop = ["DROP TRIGGER test_refuse_audit ON interview_auditevent", "DROP FUNCTION test_refuse_audit()"]
    else:
        create = [
            "CREATE TRIGGER test_refuse_audit BEFORE INSERT ON interview_auditevent "
            "BEGIN SELECT RAISE(ABORT, 'audit insert refused by the test'); END"
        ]
        drop = ["DROP TRIGGER test_refuse_audit"]
    with connection.cursor() as cursor:
        for statement in create:
            cursor.execute(statement)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for statement in drop:
                cursor.execute(statement)


def totp(secret: str) -> str:
    """The current RFC 6238 code (30-second steps, 6 digits, SHA-1) of a base32 secret."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(time.time() // 30)), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**6:06d}"


def provider_round_trip(client: Any, start_url: str, **form: str) -> Any:
    """POST a provider's login button (with `form`, e.g. process="connect"), let the provider (over real
    HTTP) approve, and bring its answer back to our callback; returns the callback's response."""
    started = client.post(start_url, form)
    assert started.status_code == 302, started.content[:500]
    answer = requests.get(started.url, allow_redirects=False, timeout=5)
    parts = urlsplit(answer.headers["Location"])
    return client.get(f"{parts.path}?{parts.query}")
