"""WebSocket URL routes."""

from django.urls import path

from interview.live.candidate import InterviewConsumer
from interview.live.observer import ObserverConsumer

websocket_urlpatterns = [
    path("ws/interview/<int:chat_id>/", InterviewConsumer.as_asgi()),
    path("ws/observe/<int:chat_id>/", ObserverConsumer.as_asgi()),
]
