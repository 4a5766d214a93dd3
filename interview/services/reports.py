"""Kept for queued tasks: django-tasks stores each task by this dotted path (`<module>.<function>`).

The code lives in `interview.reports.services`; this module only re-exports the task, so tasks
enqueued before the move still run. Add nothing here.
"""

from interview.reports.services import report_generate_task

__all__ = ["report_generate_task"]
