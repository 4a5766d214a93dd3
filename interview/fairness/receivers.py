"""The compiled term library follows its rows: any save or delete drops this process's copy."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from interview.fairness.selectors import library_forget
from interview.models import FairnessTerm


@receiver(post_save, sender=FairnessTerm, dispatch_uid="fairness_term_saved")
@receiver(post_delete, sender=FairnessTerm, dispatch_uid="fairness_term_deleted")
def fairness_term_changed(sender: Any, **kwargs: Any) -> None:
    """Runs after a term is saved or deleted: the next check compiles the library again."""
    library_forget()
