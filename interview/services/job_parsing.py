"""Kept for queued tasks: django-tasks stores each task by this dotted path (`<module>.<function>`).

The code lives in `interview.documents.job_parsing`; this module only re-exports the task, so tasks
enqueued before the move still run. Add nothing here.
"""

from interview.documents.job_parsing import job_listing_parse_task

__all__ = ["job_listing_parse_task"]
