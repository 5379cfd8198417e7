"""Column mapping for ``liaison import``: the file's own headers named onto our fields.

``--map "Téléphone=phone_no,Courriel=email"`` (one CSV line of ``header=field`` pairs, so a
header holding a comma is written in double quotes) or ``--map-file mapping.csv`` (a CSV of two
columns, the file's header then our field, one pair a line; a first line whose second cell is
``field`` is a heading and skipped). A column the mapping leaves out keeps its own name, so a
file already in our field names needs no mapping.

Headers match after trimming, case-insensitively (``casefold``) and with accents kept
("Téléphone" is "TÉLÉPHONE" but not "Telephone"); both sides are compared in Unicode NFC, so an
"é" typed as "e" plus an accent is the same "é". A mapping that names an unknown field, maps
two headers onto one field or names a header twice is refused before the file is read
(``ColumnMap.check``); one naming a header the file does not have, when its header is read
(``ColumnMap.resolve``), before any row.

``ColumnMap.canonical`` is the mapping as it reads the file (pairs that rename, normalised,
sorted): an import run is known by its file and this text, so the same file under another
mapping is another import, and a pair that renames nothing is no mapping at all.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from liaison.core.errors import ValidationFailed

# The column an error file adds (``error_file``): its messages, not a field. A file column of
# that name that the mapping leaves out is read as nothing, so a fixed error file imports.
ERROR_COLUMN = "error"


def header_key(name: str) -> str:
    """How a header is matched: trimmed, NFC, case-folded (accents kept)."""
    return unicodedata.normalize("NFC", name.strip()).casefold()


@dataclass(frozen=True)
class ColumnMap:
    """The file's headers onto our fields, as the user wrote them (header, field)."""

    pairs: tuple[tuple[str, str], ...] = ()

    @classmethod
    def parse(cls, text: str) -> ColumnMap:
        """``--map``: ``header=field`` pairs separated by commas (one CSV line)."""
        cells = next(csv.reader([text]), [])
        pairs = []
        for cell in cells:
            if not cell.strip():
                continue
            header, equals, name = cell.rpartition("=")
            if not equals or not header.strip() or not name.strip():
                raise ValidationFailed(
                    f'--map: "{cell}" is not header=field (e.g. "Téléphone=phone_no"); '
                    "separate pairs with commas, and quote a header that holds a comma."
                )
            pairs.append((header.strip(), name.strip()))
        return cls(tuple(pairs))

    @classmethod
    def read(cls, lines: Iterable[str], source: str) -> ColumnMap:
        """``--map-file``: a CSV of two columns, the file's header then our field."""
        pairs = []
        for number, cells in enumerate(csv.reader(lines), start=1):
            if not any(c.strip() for c in cells):
                continue
            if number == 1 and len(cells) == 2 and cells[1].strip().lower() == "field":
                continue  # a heading ("column,field")
            if len(cells) != 2 or not cells[0].strip() or not cells[1].strip():
                raise ValidationFailed(
                    f"{source}, line {number}: {len(cells)} cells; each line of a mapping file "
                    "holds two: the file's header, then our field (e.g. Téléphone,phone_no)."
                )
            pairs.append((cells[0].strip(), cells[1].strip()))
        return cls(tuple(pairs))

    def check(self, kind_label: str, fields: Sequence[str]) -> None:
        """Refuse, before anything is read, a pair naming an unknown field, two headers onto
        one field, or one header mapped twice."""
        known = set(fields)
        unknown = [f"{h}={f}" for h, f in self.pairs if f.lower() not in known]
        if unknown:
            raise ValidationFailed(
                f"The mapping names fields {kind_label} do not have: {', '.join(unknown)}. "
                f"Nothing was imported. Fields: {', '.join(fields)}."
            )
        by_field: dict[str, list[str]] = {}
        by_header: dict[str, list[str]] = {}
        for header, name in self.pairs:
            by_field.setdefault(name.lower(), []).append(header)
            by_header.setdefault(header_key(header), []).append(header)
        doubled = [f"{' and '.join(hs)} onto {f}" for f, hs in by_field.items() if len(hs) > 1]
        if doubled:
            raise ValidationFailed(
                f"The mapping puts two columns onto one field: {'; '.join(doubled)}. A field "
                "takes one column. Nothing was imported."
            )
        twice = [hs[0] for hs in by_header.values() if len(hs) > 1]
        if twice:
            raise ValidationFailed(
                f"The mapping names a column twice: {', '.join(twice)}. Nothing was imported."
            )

    @property
    def canonical(self) -> str:
        """The pairs that rename a column, normalised and sorted, one ``header=field`` a line
        ("" when the mapping renames nothing)."""
        pairs = {(header_key(h), f.lower()) for h, f in self.pairs}
        return "\n".join(sorted(f"{h}={f}" for h, f in pairs if h != f))

    def resolve(self, names: Sequence[str]) -> list[str]:
        """The field each of the file's columns (``names``, its header) is read into, in order:
        the mapped field, else the column's own name (trimmed, NFC, lower case). Refuses a
        mapped header the file does not have."""
        keys = [header_key(n) for n in names]
        mapped = {header_key(h): f.lower() for h, f in self.pairs}
        missing = [h for h in dict(self.pairs) if header_key(h) not in keys]
        if missing:
            raise ValidationFailed(
                f"The mapping names columns the file does not have: {', '.join(missing)}. "
                f"Nothing was imported. The file's columns: {', '.join(n.strip() for n in names)}."
            )
        return [mapped.get(k, k) for k in keys]
