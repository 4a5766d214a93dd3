"""Run a module as __main__ in a process that dies with the benchmark (PR_SET_PDEATHSIG).

`python -m bench.launch daphne -b 127.0.0.1 -p 9000 bench.asgi:application` is `python -m daphne ...`
that cannot outlive the benchmark process, even when the benchmark is killed.
"""

from __future__ import annotations

import ctypes
import os
import runpy
import signal
import sys

PR_SET_PDEATHSIG = 1


def main() -> None:
    parent = os.getppid()
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent already died before the signal was armed
        sys.exit(1)
    module = sys.argv[1]
    sys.argv = [module, *sys.argv[2:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
