"""Keeps a parser taken over by a hostile document away from the server's secrets.

Two walls, both Linux-only: the server process is made undumpable before its first child starts
(another process of the same user can then neither read its `/proc/<pid>/environ` or `/mem` nor
ptrace it), and a server running as root starts each child as an unprivileged user, which the
child switches to before it reads the document. The child also gets a scrubbed environment
(`runner`). No Django imports: the child process imports this module.
"""

from __future__ import annotations

import ctypes
import functools
import os
import pwd
import sys
from dataclasses import dataclass
from typing import Final

from interview.extraction import errors as e
from interview.extraction.errors import ExtractionError

PR_GET_DUMPABLE: Final = 3
PR_SET_DUMPABLE: Final = 4
PR_SET_NO_NEW_PRIVS: Final = 38


@dataclass(frozen=True)
class Sandbox:
    """How children are isolated: `undumpable` protects the server, `child_user` is who a root server's children run as."""

    undumpable: bool = True
    # A user name, a uid or "uid:gid"; empty keeps children as root (unsafe, for debugging only).
    child_user: str = "nobody"


@dataclass(frozen=True)
class Identity:
    """The unprivileged uid and gid a child switches to."""

    uid: int
    gid: int

    def to_arg(self) -> str:
        """Serialise for the child's command line."""
        return f"{self.uid}:{self.gid}"

    @classmethod
    def from_arg(cls, text: str) -> Identity:
        """Read an identity written by `to_arg`."""
        uid, gid = text.split(":")
        return cls(uid=int(uid), gid=int(gid))


def child_identity(sandbox: Sandbox) -> Identity | None:
    """Who the next child should run as: None unless this process is root and a child user is set."""
    if os.geteuid() != 0 or not sandbox.child_user:
        return None
    name, _, group = sandbox.child_user.partition(":")
    try:
        entry = pwd.getpwuid(int(name)) if name.isdigit() else pwd.getpwnam(name)
        uid, gid = entry.pw_uid, entry.pw_gid
    except KeyError:
        if not name.isdigit():
            raise ExtractionError(e.UNAVAILABLE, reason=f"no user named {name!r}") from None
        uid = gid = int(name)  # a bare number needs no passwd entry (containers often have none)
    if group:
        gid = int(group)
    if uid == 0 or gid == 0:
        raise ExtractionError(e.UNAVAILABLE, reason="the child user must not be root")
    return Identity(uid=uid, gid=gid)


def process_make_undumpable() -> bool:
    """Mark this process undumpable (no core dumps, no same-user ptrace or /proc reads); False where unsupported."""
    return _prctl(PR_SET_DUMPABLE, 0)


def process_is_dumpable() -> bool:
    """Whether this process may be dumped and ptraced by its user (True where prctl is unsupported)."""
    libc = _libc()
    return libc is None or bool(libc.prctl(PR_GET_DUMPABLE, 0, 0, 0, 0))


def child_drop_privileges(identity: Identity | None) -> None:
    """In the child, before it reads the document: switch to `identity`, then forbid regaining privileges.

    The child also becomes undumpable, so one child cannot read another's memory (another user's document).
    """
    if identity is not None:
        os.setgroups([])
        os.setgid(identity.gid)
        os.setuid(identity.uid)
        if os.getuid() != identity.uid or os.geteuid() != identity.uid or _can_regain_root():
            raise RuntimeError("the extraction child could not drop its privileges")
    _prctl(PR_SET_NO_NEW_PRIVS, 1)
    process_make_undumpable()


def _can_regain_root() -> bool:
    try:
        os.setuid(0)
    except PermissionError:
        return False
    return True


def _prctl(option: int, value: int) -> bool:
    libc = _libc()
    if libc is None:
        return False
    if libc.prctl(option, value, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), f"prctl({option}) failed: {os.strerror(ctypes.get_errno())}")
    return True


@functools.cache
def _libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    return ctypes.CDLL(None, use_errno=True)
