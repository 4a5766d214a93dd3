"""The live area: the WebSocket protocol, the candidate and observer sockets, generation, deadlines, groups.

Importing any part of it first wires the parts together: the deadline watcher (deadlines.py) is handed
what it calls of the generations (generation.py) instead of importing them, since generation.py
imports the deadlines to wake the watcher and the reverse import would close a cycle.
"""

from interview.live.deadlines import WATCHER
from interview.live.generation import REGISTRY, generation_launch

WATCHER.configure(launch=generation_launch, running=REGISTRY.__contains__)
