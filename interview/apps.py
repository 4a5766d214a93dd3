from django.apps import AppConfig


class InterviewConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "interview"
    label = "interview"
    verbose_name = "Active Interview"

    def ready(self) -> None:
        """Runs once per process after the models load: connect every receiver and register our checks.

        Everything hangs on this, not on the URLconf: a process whose first traffic is a socket (or a
        management command) never imports the URLconf, and must still react to every signal.
        """
        # Each import connects that area's receivers (their @receiver decorators run on import), in this
        # order: accounts first, so a new user's profile exists before any other post_save receiver runs.
        from interview.accounts import receivers as accounts_receivers  # noqa: F401  (profiles, tokens, sign-up)
        from interview.audit import receivers as audit_receivers  # noqa: F401  (logins, roles; the SQLite guard)
        from interview.core import checks  # noqa: F401  (registers the deploy checks)
        from interview.documents import receivers as documents_receivers  # noqa: F401  (files go with their rows)
        from interview.fairness import receivers as fairness_receivers  # noqa: F401  (the term library's cache)
        from interview.hiring import receivers as hiring_receivers  # noqa: F401  (invitation completes with its chat)
        from interview.live import receivers as live_receivers  # noqa: F401  (sockets check their access again)
        from interview.reports import receivers as reports_receivers  # noqa: F401  (the PDF goes with its row)
        from interview.reports import services as reports_services  # noqa: F401  (chat_completed requests the report)
