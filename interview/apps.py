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
        from interview import signals  # noqa: F401
        from interview.core import checks  # noqa: F401  (registers the deploy checks)
        from interview.hiring import receivers as receivers_hiring  # noqa: F401
        from interview.live import receivers as receivers_live  # noqa: F401
        from interview.reports import services as reports  # noqa: F401  (its chat_completed receiver requests the report)
