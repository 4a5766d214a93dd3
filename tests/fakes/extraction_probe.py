"""An extraction child that plays a parser taken over by a hostile document.

`python -m tests.fakes.extraction_probe KIND LIMITS_JSON [SANDBOX]` runs the real worker (its
sandbox, its protocol) with one more extractor, `probe`, that reports as its "text" what the
process could reach: its uid, its own environment, and whether it could open its parent's
`/proc/<pid>/environ` (with what it read) and `/proc/<pid>/mem`. Standard library only, so it also
runs under a system Python as another user.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from interview.extraction import worker
from interview.extraction.limits import Limits


def probe(data: bytes, limits: Limits) -> dict[str, Any]:
    """Try what an exploit would try first, and describe the outcome of each attempt."""
    parent = os.getppid()
    report: dict[str, Any] = {"uid": os.getuid(), "gid": os.getgid(), "groups": os.getgroups(), "parent": parent}
    report["env"] = dict(os.environ)
    report["parent_environ"] = _attempt(f"/proc/{parent}/environ", read=True)
    report["parent_mem"] = _attempt(f"/proc/{parent}/mem", read=False)
    return {"text": json.dumps(report), "pages": None}


def _attempt(path: str, *, read: bool) -> dict[str, Any]:
    try:
        with open(path, "rb") as handle:
            content = handle.read() if read else b""
    except OSError as error:
        return {"opened": False, "errno": error.errno, "error": type(error).__name__}
    return {"opened": True, "content": content.decode("latin-1")}


if __name__ == "__main__":
    worker.EXTRACTORS["probe"] = probe
    sys.exit(worker.main(sys.argv))
