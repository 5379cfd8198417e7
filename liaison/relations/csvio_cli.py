"""``liaison import`` and ``liaison export``: the CSV services behind a command line.

Both assume Django is set up. Import prints each refused row on stderr, a progress bar on
stderr and the summary on stdout; it exits 2 when any row failed (the good rows are stored).
An import of a named file is recorded as an ``ImportRun`` (``relations.import_runs``), so a
killed import can be resumed with ``--resume`` or started again with ``--restart``, and a
finished file imported again is "already imported": nothing to do, exit 0. When the database
or the disk fails the import stops with one ``error:`` line (cause, remedy, where it stopped,
the ``--resume`` command), exit 2.
"""

from __future__ import annotations

import argparse
import io
import os
import shlex
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TextIO, cast

from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from liaison.core.db_errors import database_error_message
from liaison.core.errors import DomainError
from liaison.relations.csvio import (
    CHUNK_SIZE,
    ImportResult,
    ImportStopped,
    csv_export,
    csv_import,
)
from liaison.relations.import_runs import (
    AlreadyImported,
    Mode,
    file_fingerprint,
    import_run_begin,
    import_run_checkpoint,
    import_run_fail,
    import_run_finish,
    import_run_finished,
    import_run_position,
)
from liaison.relations.models import ImportRun

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
        description=_(
            "Create or update records from a CSV file whose header names the fields "
            "(the columns `liaison export` writes). A known number updates its record, a new "
            "or blank number creates one. A quote before = + - @, tab or CR at the start of a "
            "cell (how `liaison export` and spreadsheets keep a formula as text) is taken off."
        ),
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
        help="import every row again although an import of this file was interrupted or finished",
    )
    return parser


def _export_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="liaison export",
        description=_(
            "Write every record of a kind to a CSV file, in number order, with the columns "
            "`liaison import` reads. A cell starting with = + - @, tab or CR is written behind "
            "a quote (') so a spreadsheet shows it as text instead of running it as a formula; "
            "`liaison import` takes that quote off again."
        ),
    )
    parser.add_argument("kind", choices=list(KIND_ARGS))
    parser.add_argument("file", help="CSV file to write, or - for standard output")
    parser.add_argument(
        "--raw",
        action="store_true",
        help=_(
            "write every value as stored, with no quote before formulas (for programs, "
            "not spreadsheets)"
        ),
    )
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
    except AlreadyImported as done:
        print(_already_imported(args, done.run))
        return 0
    except ImportStopped as stop:
        for error in stop.result.errors:
            print(error, file=sys.stderr)
        print(f"{args.kind}: {stop.result.summary()}.")
        print(f"error: {_stopped(args, stop)}", file=sys.stderr)
        return FAILED
    except DomainError as exc:
        print(f"error [{exc.code}]: {exc.message}", file=sys.stderr)
        return FAILED
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read {args.file}: {exc}", file=sys.stderr)
        return FAILED
    except DatabaseError as exc:  # the run could not be begun or finished: nothing half-done
        print(f"error: {database_error_message(exc) or exc}", file=sys.stderr)
        return FAILED
    for error in result.errors:
        print(error, file=sys.stderr)
    print(f"{args.kind}: {result.summary()}.")
    return FAILED if result.failed else 0


def _import(kind: str, args: argparse.Namespace, mode: Mode) -> ImportResult:
    """The import; recorded as an ``ImportRun`` when it stores rows from a named file."""
    fingerprint = None if args.file == "-" else file_fingerprint(args.file)
    # A repeat of a finished file (a dry run too) ends here, before the progress bar;
    # import_run_begin checks again in its transaction.
    done = (
        None if fingerprint is None or mode == "restart" else import_run_finished(kind, fingerprint)
    )
    if done is not None:
        raise AlreadyImported(done)
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
            if isinstance(exc, ImportStopped):
                exc.run = run.pk
            # The database may be what failed (full, read-only): then the run stays "running"
            # under this process, which is gone by the time anyone resumes it.
            with suppress(DatabaseError):
                import_run_fail(run.pk, attempt, f"{type(exc).__name__}: {exc}")
            raise
        import_run_finish(run.pk, attempt, result)
        return result


def _already_imported(args: argparse.Namespace, run: ImportRun) -> str:
    """What a repeat of a finished file says: which run did it, and how to import it again."""
    finished = timezone.localtime(run.finished_at) if run.finished_at else None
    line = _(
        "{kind}: already imported (run {run}, finished at {when}): nothing to do. That run "
        "read {rows} rows: {created} created, {updated} updated, {unchanged} unchanged, "
        "{failed} errors."
    ).format(
        kind=args.kind,
        run=run.pk,
        when=f"{finished:%Y-%m-%d %H:%M:%S %Z}" if finished else "?",
        rows=run.rows,
        created=run.created,
        updated=run.updated,
        unchanged=run.unchanged,
        failed=run.failed,
    )
    if run.failed:
        line += " " + _(
            "Its refused rows are not stored: fix them in a file of their own and import that."
        )
    return (
        line
        + " "
        + _(
            "--restart imports every row again (rows with a blank number would be created "
            "a second time)."
        )
    )


def _stopped(args: argparse.Namespace, stop: ImportStopped) -> str:
    """The one error line of an import the database (or the disk) stopped: cause, remedy,
    where it stopped and how to go on."""
    if stop.temporary:
        cause = _(
            "the import's temporary file under {dir} could not be written ({said}): free "
            "space there, or point TMPDIR at a disk with room."
        ).format(dir=tempfile.gettempdir(), said=stop.cause)
    else:
        cause = database_error_message(stop.cause) or str(stop.cause)
    after = stop.result.rows
    if args.dry_run:
        return (
            cause
            + " "
            + _("The dry run stopped at row {first}; nothing was stored.").format(first=stop.first)
        )
    if stop.run is None:
        return (
            cause
            + " "
            + _(
                "Rows {first}-{last} and the rows after them were not stored (the rows up to "
                "{after} were): import them again; from a named file an import can go on "
                "with --resume."
            ).format(first=stop.first, last=stop.last, after=after)
        )
    again = shlex.join(["liaison", "import", args.kind, args.file, "--resume"])
    return (
        cause
        + " "
        + _(
            "The import stopped after row {after} (import run {run}): rows {first}-{last} and "
            "the rows after them are not stored yet. When the cause is fixed, go on with: "
            "{again}"
        ).format(after=after, run=stop.run, first=stop.first, last=stop.last, again=again)
    )


def export_main(argv: list[str]) -> int:
    """``liaison export KIND FILE [--raw]``; returns the exit status."""
    args = _export_parser().parse_args(argv)
    try:
        with _opened(args.file, "w") as fh:
            count = csv_export(KIND_ARGS[args.kind], fh, raw=args.raw)
    except OSError as exc:
        print(f"error: cannot write {args.file}: {exc}", file=sys.stderr)
        return FAILED
    where = "standard output" if args.file == "-" else args.file
    print(f"Exported {count} {args.kind} to {where}.", file=sys.stderr)
    return 0
