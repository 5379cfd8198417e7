"""``liaison export``: every record of a kind to a CSV file or an .xlsx workbook."""

from __future__ import annotations

import argparse
import sys

from django.utils.translation import gettext as _

from liaison.batch.commands.files import FAILED, KIND_ARGS, opened
from liaison.batch.exports import csv_export
from liaison.batch.xlsxio import is_xlsx, xlsx_export
from liaison.core.errors import DomainError


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


def export_main(argv: list[str]) -> int:
    """``liaison export KIND FILE [--raw]``; returns the exit status."""
    args = _export_parser().parse_args(argv)
    try:
        if is_xlsx(args.file):
            count = xlsx_export(KIND_ARGS[args.kind], args.file, raw=args.raw)
        else:
            with opened(args.file, "w") as fh:
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
