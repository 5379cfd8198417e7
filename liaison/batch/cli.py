"""``liaison import`` and ``liaison export``: the CSV services behind a command line.

Both assume Django is set up. Import prints each refused row on stderr, a progress bar on
stderr and the summary on stdout; it exits 2 when any row failed (the good rows are stored).
An import of a named file is recorded as an ``ImportRun`` (``batch.imports.runs``), so a
killed import can be resumed with ``--resume`` or started again with ``--restart``, and a
finished file imported again is "already imported": nothing to do, exit 0. When the database
or the disk fails the import stops with one ``error:`` line (cause, remedy, where it stopped,
the ``--resume`` command), exit 2. ``--map``/``--map-file`` read the file's own headers into
our fields (``column_map``; the mapping is part of what identifies the run); ``--dry-run`` shows
the columns, the counts and the first errors; the refused rows of a stored import go to an error
file beside the file (``error_file``), which imports once fixed.
"""

from __future__ import annotations

import argparse
import io
import os
import shlex
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, TextIO, cast

from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _
from tqdm import tqdm

from liaison.batch.columns import columns
from liaison.batch.exports import csv_export
from liaison.batch.imports.column_map import ColumnMap
from liaison.batch.imports.error_file import ErrorFile, errors_path
from liaison.batch.imports.pipeline import CHUNK_SIZE, csv_import
from liaison.batch.imports.results import (
    ImportCheckpoint,
    ImportResult,
    ImportStopped,
    RejectedNotWritten,
)
from liaison.batch.imports.runs import (
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
from liaison.batch.models import ImportRun
from liaison.batch.xlsxio import is_xlsx, xlsx_export, xlsx_lines
from liaison.core.db_errors import database_error_message
from liaison.core.errors import DomainError

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
            "Create or update records from a CSV file (or the first sheet of an .xlsx "
            "workbook) whose header names the fields "
            "(the columns `liaison export` writes). A known number updates its record, a new "
            "or blank number creates one. A quote before = + - @, tab or CR at the start of a "
            "cell (how `liaison export` and spreadsheets keep a formula as text) is taken off."
        ),
    )
    parser.add_argument("kind", choices=list(KIND_ARGS))
    parser.add_argument(
        "file",
        help=_(
            "CSV file (UTF-8), Excel workbook (.xlsx: its first sheet, the first row naming "
            "the fields), or - for CSV on standard input"
        ),
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="check and count every row, store nothing"
    )
    parser.add_argument(
        "--chunk-size",
        type=_positive,
        default=CHUNK_SIZE,
        help=f"rows per transaction (default {CHUNK_SIZE})",
    )
    mapped = parser.add_mutually_exclusive_group()
    mapped.add_argument(
        "--map",
        metavar="HEADER=FIELD,...",
        help=_(
            "read the file's own columns into our fields, e.g. "
            '"Téléphone=phone_no,Courriel=email" (a header with a comma in double quotes); '
            "the columns it leaves out keep their names. Headers match trimmed, in any case, "
            "accents kept. Another mapping of the same file is another import"
        ),
    )
    mapped.add_argument(
        "--map-file",
        metavar="MAPPING.csv",
        help=_(
            "the --map pairs from a CSV file of two columns: the file's header, then our "
            "field, one pair a line (a first line ending in 'field' is a heading)"
        ),
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
            "`liaison import` takes that quote off again. An .xlsx workbook holds every value "
            "as a text cell, which a spreadsheet never runs: no quote is needed there."
        ),
    )
    parser.add_argument("kind", choices=list(KIND_ARGS))
    parser.add_argument(
        "file",
        help=_(
            "CSV file to write, an Excel workbook for a name ending in .xlsx (every value a "
            "text cell, so no formula runs), or - for CSV on standard output"
        ),
    )
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


@contextmanager
def _source(path: str, bar: tqdm[Any]) -> Iterator[Iterable[str]]:
    """The lines ``csv_import`` reads: the CSV file's, or an .xlsx sheet's rows as CSV lines
    (``xlsxio``: the same header check, parsers, report and runs)."""
    if not is_xlsx(path):
        with _opened(path, "r") as fh:
            yield fh
        return
    with xlsx_lines(path) as sheet:
        if sheet.rows is not None:
            bar.total = sheet.rows
            bar.refresh()
        yield sheet


def import_main(argv: list[str]) -> int:
    """``liaison import KIND FILE [--dry-run] [--chunk-size N] [--resume | --restart]``."""
    parser = _import_parser()
    args = parser.parse_args(argv)
    kind = KIND_ARGS[args.kind]
    mode: Mode = "resume" if args.resume else "restart" if args.restart else "new"
    if mode != "new" and (args.file == "-" or args.dry_run):
        parser.error("--resume and --restart need a named file and no --dry-run")
    try:
        mapping = _mapping(kind, args)
    except DomainError as exc:
        print(f"error [{exc.code}]: {exc.message}", file=sys.stderr)
        return FAILED
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read the mapping file {args.map_file}: {exc}", file=sys.stderr)
        return FAILED
    # The refused rows of a stored import of a named file go to an error file beside it.
    errors = None if args.file == "-" or args.dry_run else ErrorFile(errors_path(args.file))
    try:
        result = _import(kind, args, mode, mapping, errors)
    except AlreadyImported as done:
        print(_already_imported(args, done.run))
        return 0
    except ImportStopped as stop:
        for error in stop.result.errors:
            print(error, file=sys.stderr)
        print(f"{args.kind}: {stop.result.summary()}.")
        _say_error_file(args, errors)
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
    finally:
        if errors is not None:
            errors.close()
    if args.dry_run:
        _dry_run_report(args, result)
    else:
        for error in result.errors:
            print(error, file=sys.stderr)
    print(f"{args.kind}: {result.summary()}.")
    _say_error_file(args, errors, result)
    return FAILED if result.failed else 0


def _mapping(kind: str, args: argparse.Namespace) -> ColumnMap:
    """The ``--map`` or ``--map-file`` pairs, checked against the fields of ``kind`` before
    the file is read (an unknown field, two columns onto one field, a column named twice)."""
    if args.map_file:
        with open(args.map_file, encoding="utf-8-sig", newline="") as fh:
            mapping = ColumnMap.read(fh, args.map_file)
    else:
        mapping = ColumnMap.parse(args.map or "")
    mapping.check(args.kind.replace("-", " "), columns(kind))
    return mapping


DRY_RUN_ERRORS = 20


def _dry_run_report(args: argparse.Namespace, result: ImportResult) -> None:
    """What a dry run shows before anything is stored: the column each of the file's columns
    is read into, the counts, and the first ``DRY_RUN_ERRORS`` errors."""
    print(_("Dry run of {file}: nothing was stored.").format(file=args.file))
    print(_("Columns (the file's -> our field):"))
    width = max((len(name) for name, _field in result.columns), default=0)
    for name, field in result.columns:
        into = field or _("(ignored: the messages of an error file)")
        print(f"  {name.ljust(width)} -> {into}")
    print(
        _(
            "Rows: {rows}; would create {created}, would update {updated}, unchanged "
            "{unchanged}, refused {failed}."
        ).format(
            rows=result.rows,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            failed=result.failed,
        )
    )
    if result.errors:
        first = result.errors[:DRY_RUN_ERRORS]
        print(_("First errors:") if len(first) < len(result.errors) else _("Errors:"))
        for error in first:
            print(f"  {error}")
        if len(result.errors) > len(first):
            print(
                "  "
                + _("... and {more} more (an import writes every refused row to {path}).").format(
                    more=len(result.errors) - len(first), path=errors_path(args.file)
                )
            )


def _say_error_file(
    args: argparse.Namespace, errors: ErrorFile | None, result: ImportResult | None = None
) -> None:
    """Where the refused rows went (or why some did not), after the summary."""
    if errors is None:
        return
    if errors.rows:
        again = shlex.join(["liaison", "import", args.kind, errors.path, *_map_args(args)])
        print(
            _(
                "Refused rows: {path} ({rows} rows as they were, their errors in the error "
                "column): fix them there, then {again}"
            ).format(path=errors.path, rows=errors.rows, again=again)
        )
    if errors.unreadable:
        print(
            _(
                "{count} refused rows could not be read as CSV and are not in the error file: "
                "fix them at the lines named above."
            ).format(count=errors.unreadable)
        )
    if result is not None and not result.failed and os.path.exists(errors.path):
        print(
            _("{path} is from an earlier import: no row was refused this time.").format(
                path=errors.path
            )
        )


def _import(
    kind: str,
    args: argparse.Namespace,
    mode: Mode,
    mapping: ColumnMap | None = None,
    errors: ErrorFile | None = None,
) -> ImportResult:
    """The import; recorded as an ``ImportRun`` when it stores rows from a named file (known
    by its content and the column mapping), its refused rows written to ``errors``."""
    mapping = mapping or ColumnMap()
    fingerprint = (
        None if args.file == "-" else file_fingerprint(args.file, mapping=mapping.canonical)
    )
    # A repeat of a finished file (a dry run too) ends here, before the progress bar;
    # import_run_begin checks again in its transaction.
    done = (
        None if fingerprint is None or mode == "restart" else import_run_finished(kind, fingerprint)
    )
    if done is not None:
        raise AlreadyImported(done)
    # Lines minus the header: an upper bound of the rows, as quoted cells may span lines.
    total = None if fingerprint is None or is_xlsx(args.file) else max(fingerprint.lines - 1, 0)
    bar = tqdm(total=total, unit=" rows", desc=f"import {args.kind}", file=sys.stderr)

    def progress(rows: int) -> None:
        bar.update(rows - bar.n)

    with bar, _source(args.file, bar) as fh:
        if fingerprint is None or args.dry_run:
            return csv_import(
                kind,
                fh,
                chunk_size=args.chunk_size,
                dry_run=args.dry_run,
                progress=progress,
                mapping=mapping,
                rejected=errors,
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
            if resume is not None and errors is not None:  # the rows earlier attempts refused
                _keep_refused(errors, resume, run, args.chunk_size)
            result = csv_import(
                kind,
                fh,
                chunk_size=args.chunk_size,
                progress=progress,
                resume=resume,
                checkpoint=import_run_checkpoint(run.pk, attempt),
                mapping=mapping,
                rejected=errors,
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


def _keep_refused(
    errors: ErrorFile, resume: ImportCheckpoint, run: ImportRun, chunk_size: int
) -> None:
    """Keep in the error file the rows a resumed run refused before; if it cannot be written,
    the import stops before its first chunk, as when it fails during one."""
    try:
        errors.resume(resume.rows, errors_path(run.file_name))
    except OSError as exc:
        before = ImportResult(
            kind=run.kind,
            rows=resume.rows,
            created=resume.created,
            updated=resume.updated,
            unchanged=resume.unchanged,
            resumed_after=resume.rows,
            failed_before=resume.failed,
        )
        first = resume.rows + 1
        raise ImportStopped(RejectedNotWritten(exc), before, first, first + chunk_size - 1) from exc


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
    if run.failed and args.file != "-" and os.path.exists(errors_path(args.file)):
        line += " " + _(
            "Its refused rows are not stored: they are in {path}, to fix there and import."
        ).format(path=errors_path(args.file))
    elif run.failed:
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
    elif isinstance(stop.cause, RejectedNotWritten):
        cause = _(
            "the error file {path} could not be written ({said}): free space there, or make "
            "its directory writable."
        ).format(
            path=stop.cause.cause.filename or errors_path(args.file),
            said=stop.cause.cause.strerror or stop.cause.cause,
        )
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
    again = shlex.join(["liaison", "import", args.kind, args.file, *_map_args(args), "--resume"])
    return (
        cause
        + " "
        + _(
            "The import stopped after row {after} (import run {run}): rows {first}-{last} and "
            "the rows after them are not stored yet. When the cause is fixed, go on with: "
            "{again}"
        ).format(after=after, run=stop.run, first=stop.first, last=stop.last, again=again)
    )


def _map_args(args: argparse.Namespace) -> list[str]:
    """The mapping options of the command, for the command that goes on with it."""
    if args.map_file:
        return ["--map-file", args.map_file]
    return ["--map", args.map] if args.map else []


def export_main(argv: list[str]) -> int:
    """``liaison export KIND FILE [--raw]``; returns the exit status."""
    args = _export_parser().parse_args(argv)
    try:
        if is_xlsx(args.file):
            count = xlsx_export(KIND_ARGS[args.kind], args.file, raw=args.raw)
        else:
            with _opened(args.file, "w") as fh:
                count = csv_export(KIND_ARGS[args.kind], fh, raw=args.raw)
    except OSError as exc:
        print(f"error: cannot write {args.file}: {exc}", file=sys.stderr)
        return FAILED
    except DomainError as exc:
        print(f"error [{exc.code}]: {exc.message}", file=sys.stderr)
        return FAILED
    where = "standard output" if args.file == "-" else args.file
    print(f"Exported {count} {args.kind} to {where}.", file=sys.stderr)
    return 0
