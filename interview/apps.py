from django.apps import AppConfig


class InterviewConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "interview"
    label = "interview"
    verbose_name = "Active Interview"

    def ready(self) -> None:
        from interview import receivers_hiring, receivers_live, signals  # noqa: F401  (connects the receivers)
