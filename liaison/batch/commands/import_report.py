"""What ``liaison import`` says: the dry run's report, where the refused rows went, a repeat
of a finished file, and the one error line of an import the database or the disk stopped."""

from __future__ import annotations

import argparse
import os
import shlex
import tempfile

from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.batch.imports.error_file import ErrorFile, errors_path
from liaison.batch.imports.results import ImportResult, ImportStopped, RejectedNotWritten
from liaison.batch.models import ImportRun
from liaison.core.db_errors import database_error_message

DRY_RUN_ERRORS = 20


def dry_run_report(args: argparse.Namespace, result: ImportResult) -> None:
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


def say_error_file(
    args: argparse.Namespace, errors: ErrorFile | None, result: ImportResult | None = None
) -> None:
    """Where the refused rows went (or why some did not), after the summary."""
    if errors is None:
        return
    if errors.rows:
        again = shlex.join(["liaison", "import", args.kind, errors.path, *map_args(args)])
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


def already_imported(args: argparse.Namespace, run: ImportRun) -> str:
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


def stopped_message(args: argparse.Namespace, stop: ImportStopped) -> str:
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
    again = shlex.join(["liaison", "import", args.kind, args.file, *map_args(args), "--resume"])
    return (
        cause
        + " "
        + _(
            "The import stopped after row {after} (import run {run}): rows {first}-{last} and "
            "the rows after them are not stored yet. When the cause is fixed, go on with: "
            "{again}"
        ).format(after=after, run=stop.run, first=stop.first, last=stop.last, again=again)
    )


def map_args(args: argparse.Namespace) -> list[str]:
    """The mapping options of the command, for the command that goes on with it."""
    if args.map_file:
        return ["--map-file", args.map_file]
    return ["--map", args.map] if args.map else []
