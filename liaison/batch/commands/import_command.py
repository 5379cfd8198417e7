"""``liaison import``: a CSV file or an .xlsx sheet through the import, recorded as a run."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from django.db import DatabaseError
from django.utils.translation import gettext as _
from tqdm import tqdm

from liaison.batch.columns import columns
from liaison.batch.commands.files import FAILED, KIND_ARGS, opened, positive
from liaison.batch.commands.import_report import (
    already_imported,
    dry_run_report,
    say_error_file,
    stopped_message,
)
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
from liaison.batch.xlsxio import is_xlsx, xlsx_lines
from liaison.core.db_errors import database_error_message
from liaison.core.errors import DomainError


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
        type=positive,
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


@contextmanager
def _source(path: str, bar: tqdm[Any]) -> Iterator[Iterable[str]]:
    """The lines ``csv_import`` reads: the CSV file's, or an .xlsx sheet's rows as CSV lines
    (``xlsxio``: the same header check, parsers, report and runs)."""
    if not is_xlsx(path):
        with opened(path, "r") as fh:
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
    mapping = _checked_mapping(kind, args)
    if mapping is None:
        return FAILED
    # The refused rows of a stored import of a named file go to an error file beside it.
    errors = None if args.file == "-" or args.dry_run else ErrorFile(errors_path(args.file))
    outcome = _import_or_exit_code(kind, args, mode, mapping, errors)
    if isinstance(outcome, int):
        return outcome
    return _report(args, outcome, errors)


def _checked_mapping(kind: str, args: argparse.Namespace) -> ColumnMap | None:
    """The column mapping (``_mapping``), or None once its error is said."""
    try:
        return _mapping(kind, args)
    except DomainError as exc:
        print(f"error [{exc.code}]: {exc.message}", file=sys.stderr)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"error: cannot read the mapping file {args.map_file}: {exc}", file=sys.stderr)
    return None


def _import_or_exit_code(
    kind: str,
    args: argparse.Namespace,
    mode: Mode,
    mapping: ColumnMap,
    errors: ErrorFile | None,
) -> ImportResult | int:
    """The import's result, or the exit code once the reason it did not run through is said;
    the error file is closed either way (after that report, which names it)."""
    try:
        return _import(kind, args, mode, mapping, errors)
    except AlreadyImported as done:
        print(already_imported(args, done.run))
        return 0
    except ImportStopped as stop:
        for error in stop.result.errors:
            print(error, file=sys.stderr)
        print(f"{args.kind}: {stop.result.summary()}.")
        say_error_file(args, errors)
        print(f"error: {stopped_message(args, stop)}", file=sys.stderr)
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


def _report(args: argparse.Namespace, result: ImportResult, errors: ErrorFile | None) -> int:
    """The refused rows (or the dry run's report), the summary, the error file; the exit code."""
    if args.dry_run:
        dry_run_report(args, result)
    else:
        for error in result.errors:
            print(error, file=sys.stderr)
    print(f"{args.kind}: {result.summary()}.")
    say_error_file(args, errors, result)
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
