"""Tests of live_interview/, the Django project package: settings, channel layers, the SQLite pool, CSP, origins, proxies."""
