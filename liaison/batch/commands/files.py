"""What both commands share: the kinds they take, their exit status, and the files they open."""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO, cast

KIND_ARGS = {
    "contacts": "contact",
    "customers": "customer",
    "vendors": "vendor",
    "bank-accounts": "bank_account",
}
FAILED = 2


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


@contextmanager
def opened(path: str, mode: str) -> Iterator[TextIO]:
    """The named file, or standard input/output for "-" (a BOM from a spreadsheet is dropped)."""
    if path == "-" and mode == "w":
        yield sys.stdout
        return
    if path == "-":
        stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", newline="")
        try:
            yield stdin
        finally:
            stdin.detach()  # leave standard input open for the rest of the process
        return
    encoding = "utf-8-sig" if mode == "r" else "utf-8"
    with open(path, mode, encoding=encoding, newline="") as fh:
        yield cast(TextIO, fh)
