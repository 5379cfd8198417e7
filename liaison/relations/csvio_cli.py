"""``liaison import`` and ``liaison export``: the CSV services behind a command line.

Both assume Django is set up. Import prints each refused row on stderr, a progress bar on
stderr and the summary on stdout; it exits 2 when any row failed (the good rows are stored).
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO, cast

from tqdm import tqdm

from liaison.core.errors import DomainError
from liaison.relations.csvio import CHUNK_SIZE, csv_export, csv_import

KIND_ARGS = {
    "contacts": "contact",
    "customers": "customer",
    "vendors": "vendor",
    "bank-accounts": "bank_account",
}
FAILED = 2


def _import_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="liaison import",
        description="Create or update records from a CSV file whose header names the fields "
        "(the columns `liaison export` writes). A known number updates its record, a new or "
        "blank number creates one.",
    )
    parser.add_argument("kind", choices=list(KIND_ARGS))
    parser.add_argument("file", help="CSV file (UTF-8), or - for standard input")
    parser.add_argument(
        "--dry-run", action="store_true", help="check and count every row, store nothing"
    )
    parser.add_argument(
        "--chunk-size",
        type=_positive,
        default=CHUNK_SIZE,
        help=f"rows per transaction (default {CHUNK_SIZE})",
    )
    return parser


def _export_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="liaison export",
        description="Write every record of a kind to a CSV file, in number order, with the "
        "columns `liaison import` reads.",
    )
    parser.add_argument("kind", choices=list(KIND_ARGS))
    parser.add_argument("file", help="CSV file to write, or - for standard output")
    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _rows_in(path: str) -> int | None:
    """Data rows in the file, for the progress bar's total (one fast pass over the bytes).
    Quoted cells spanning lines make it an upper bound; standard input has none."""
    if path == "-":
        return None
    with open(path, "rb") as fh:
        lines = sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 20), b""))
    return max(lines - 1, 0)


@contextmanager
def _opened(path: str, mode: str) -> Iterator[TextIO]:
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


def import_main(argv: list[str]) -> int:
    """``liaison import KIND FILE [--dry-run] [--chunk-size N]``; returns the exit status."""
    args = _import_parser().parse_args(argv)
    kind = KIND_ARGS[args.kind]
    try:
        total = _rows_in(args.file)
        bar = tqdm(total=total, unit=" rows", desc=f"import {args.kind}", file=sys.stderr)

        def progress(rows: int) -> None:
            bar.update(rows - bar.n)

        with _opened(args.file, "r") as fh, bar:
            result = csv_import(
                kind, fh, chunk_size=args.chunk_size, dry_run=args.dry_run, progress=progress
            )
    except DomainError as exc:
        print(f"error [{exc.code}]: {exc.message}", file=sys.stderr)
        return FAILED
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read {args.file}: {exc}", file=sys.stderr)
        return FAILED
    for error in result.errors:
        print(error, file=sys.stderr)
    print(f"{args.kind}: {result.summary()}.")
    return FAILED if result.failed else 0


def export_main(argv: list[str]) -> int:
    """``liaison export KIND FILE``; returns the exit status."""
    args = _export_parser().parse_args(argv)
    try:
        with _opened(args.file, "w") as fh:
            count = csv_export(KIND_ARGS[args.kind], fh)
    except OSError as exc:
        print(f"error: cannot write {args.file}: {exc}", file=sys.stderr)
        return FAILED
    where = "standard output" if args.file == "-" else args.file
    print(f"Exported {count} {args.kind} to {where}.", file=sys.stderr)
    return 0
