"""Dotted paths stored in rows and sessions keep resolving after modules moved (issue 16)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

from interview.documents.job_parsing import job_listing_parse_task
from interview.reports.services import report_generate_task


def test_stored_auth_backend_path_is_the_configured_backend():
    assert settings.AUTHENTICATION_BACKENDS == ["interview.auth_backends.UsernameOrEmailBackend"]
    assert import_string(settings.AUTHENTICATION_BACKENDS[0]).__module__ == "interview.accounts.backends"


@pytest.mark.parametrize(
    ("stored", "task"),
    [
        ("interview.services.job_parsing.job_listing_parse_task", job_listing_parse_task),
        ("interview.services.reports.report_generate_task", report_generate_task),
    ],
)
def test_stored_task_path_resolves_to_the_task(stored, task):
    assert import_string(stored) is task
