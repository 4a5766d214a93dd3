"""ASGI entry point: HTTP through Django, WebSockets through Channels consumers."""

import gc
import os

from asgiref.typing import ASGI3Application, ASGIReceiveCallable, ASGISendCallable, Scope
from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "live_interview.settings")

# Django must be set up before the consumers (and the models they import) are loaded.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler  # noqa: E402

from consumers.routing import websocket_urlpatterns  # noqa: E402
from interview.live.deadlines import WATCHER  # noqa: E402
from live_interview.origins import OriginValidator  # noqa: E402
from live_interview.proxies import ProxyHeadersMiddleware  # noqa: E402
from live_interview.sessions import socket_auth_stack  # noqa: E402


class StartWatcher:
    """Start this process's key-question deadline watcher on the first connection of any kind."""

    def __init__(self, app: ASGI3Application) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable) -> None:
        WATCHER.ensure_started()
        return await self.app(scope, receive, send)


# daphne serves our few static files itself unless DJANGO_SERVE_STATIC=0 (a front proxy does).
http_app = ASGIStaticFilesHandler(django_asgi_app) if settings.SERVE_STATIC else django_asgi_app

application = StartWatcher(
    ProxyHeadersMiddleware(
        ProtocolTypeRouter(
            {
                "http": http_app,
                "websocket": OriginValidator(socket_auth_stack(URLRouter(websocket_urlpatterns))),  # type: ignore[arg-type]  # see consumers/routing.py
            }
        ),
        trusted=settings.TRUSTED_PROXIES,
    )
)

if not settings.LLM_OFFLINE:
    import interview.llm.openai_provider  # noqa: F401  (loaded now, so the freeze below covers it)

# Everything loaded so far (Django, the ORM, the openai client) lives as long as the process. Frozen,
# it is left out of the collector's full passes, which otherwise paused streaming for ~120 ms each
# (docs/performance.md).
gc.freeze()
