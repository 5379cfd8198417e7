"""``liaison bench``: workloads, raw-driver floors, the runner, HTTP (W6) and search (W5)."""

from liaison.bench.runner import main

__all__ = ["main"]
