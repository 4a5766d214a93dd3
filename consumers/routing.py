"""WebSocket URL routes."""

from django.urls import path

from interview.live.candidate import InterviewConsumer
from interview.live.observer import ObserverConsumer

# Channels routes ASGI applications through Django's path(), which django-stubs types for views only.
websocket_urlpatterns = [
    path("ws/interview/<int:chat_id>/", InterviewConsumer.as_asgi()),  # type: ignore[arg-type]
    path("ws/observe/<int:chat_id>/", ObserverConsumer.as_asgi()),  # type: ignore[arg-type]
]
