"""``liaison import`` and ``liaison export``: the CSV services behind a command line.

Both assume Django is set up. Import prints each refused row on stderr, a progress bar on
stderr and the summary on stdout; it exits 2 when any row failed (the good rows are stored).
An import of a named file is recorded as an ``ImportRun`` (``relations.import_runs``), so a
killed import can be resumed with ``--resume`` or started again with ``--restart``.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO, cast

from tqdm import tqdm

from liaison.core.errors import DomainError
from liaison.relations.csvio import CHUNK_SIZE, ImportResult, csv_export, csv_import
from liaison.relations.import_runs import (
    Mode,
    file_fingerprint,
    import_run_begin,
    import_run_checkpoint,
    import_run_fail,
    import_run_finish,
    import_run_position,
)

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
    again = parser.add_mutually_exclusive_group()
    again.add_argument(
        "--resume",
        action="store_true",
        help="go on after the last committed row of an interrupted import of this file",
    )
    again.add_argument(
        "--restart",
        action="store_true",
        help="import every row again although an import of this file was interrupted",
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
    """``liaison import KIND FILE [--dry-run] [--chunk-size N] [--resume | --restart]``."""
    parser = _import_parser()
    args = parser.parse_args(argv)
    kind = KIND_ARGS[args.kind]
    mode: Mode = "resume" if args.resume else "restart" if args.restart else "new"
    if mode != "new" and (args.file == "-" or args.dry_run):
        parser.error("--resume and --restart need a named file and no --dry-run")
    try:
        result = _import(kind, args, mode)
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


def _import(kind: str, args: argparse.Namespace, mode: Mode) -> ImportResult:
    """The import; recorded as an ``ImportRun`` when it stores rows from a named file."""
    fingerprint = None if args.file == "-" else file_fingerprint(args.file)
    # Lines minus the header: an upper bound of the rows, as quoted cells may span lines.
    total = None if fingerprint is None else max(fingerprint.lines - 1, 0)
    bar = tqdm(total=total, unit=" rows", desc=f"import {args.kind}", file=sys.stderr)

    def progress(rows: int) -> None:
        bar.update(rows - bar.n)

    with _opened(args.file, "r") as fh, bar:
        if fingerprint is None or args.dry_run:
            return csv_import(
                kind, fh, chunk_size=args.chunk_size, dry_run=args.dry_run, progress=progress
            )
        run, attempt = import_run_begin(
            kind=kind,
            file_name=os.path.abspath(args.file),
            fingerprint=fingerprint,
            chunk_size=args.chunk_size,
            mode=mode,
        )
        resume = import_run_position(run)
        if resume is not None:
            bar.write(f"Resuming import run {run.pk} after row {resume.rows}.", file=sys.stderr)
            progress(resume.rows)
        try:
            result = csv_import(
                kind,
                fh,
                chunk_size=args.chunk_size,
                progress=progress,
                resume=resume,
                checkpoint=import_run_checkpoint(run.pk, attempt),
            )
        except BaseException as exc:  # a failed run keeps its last committed row: resumable
            import_run_fail(run.pk, attempt, f"{type(exc).__name__}: {exc}")
            raise
        import_run_finish(run.pk, attempt, result)
        return result


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
