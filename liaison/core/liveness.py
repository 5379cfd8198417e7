"""Is the process that owns a long run (a batch job, an import) still alive? Host, pid, heartbeat.

A run records the host and process id that work on it and a heartbeat, written with each
committed chunk. On the same host a dead pid settles it at once; on another host (or a pid the
system has since reused) only a heartbeat older than ``LIAISON_RUN_STALE_SECONDS`` does.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

DEFAULT_STALE_SECONDS = 600


@dataclass(frozen=True)
class Runner:
    """Where a run is being worked on: this host name and process id."""

    host: str
    pid: int


def this_runner() -> Runner:
    return Runner(host=socket.gethostname()[:100], pid=os.getpid())


def pid_alive(pid: int) -> bool:
    """True while ``pid`` is a live process on this host (a zombie counts as dead)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            # The state follows the parenthesised command name, which may contain spaces.
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True  # no /proc (not Linux): kill(pid, 0) succeeded


def stale_after() -> timedelta:
    return timedelta(seconds=getattr(settings, "LIAISON_RUN_STALE_SECONDS", DEFAULT_STALE_SECONDS))


def owner_gone(host: str, pid: int | None, heartbeat_at: datetime | None) -> bool:
    """True when the run's owner is dead: a dead pid on this host, or a stale heartbeat."""
    if host == this_runner().host and pid and not pid_alive(pid):
        return True
    return heartbeat_at is None or timezone.now() - heartbeat_at > stale_after()
