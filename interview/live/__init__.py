"""The live area: the WebSocket protocol, the candidate and observer sockets, generation, clocks, groups.

Importing any part of it first wires the parts together: the deadline watcher (clock.py) is handed
what it calls of the generations (generation.py) instead of importing them, since generation.py
imports the clock to wake it and the reverse import would close a cycle.
"""

from interview.live.clock import WATCHER
from interview.live.generation import REGISTRY, generation_launch

WATCHER.configure(launch=generation_launch, running=REGISTRY.__contains__)
