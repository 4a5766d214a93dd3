"""The interview area's own signal: other areas react to an interview's completion through it."""

from django.dispatch import Signal

# Sent once, after the commit that completes an interview (args: chat_id, reason).
chat_completed = Signal()
