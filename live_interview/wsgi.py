"""WSGI entry point, for management tools that want one; daphne serves the ASGI app."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "live_interview.settings")

application = get_wsgi_application()
