"""The CSV import when the database refuses a write: a row's fault costs that row, the
database's fault stops the import where its last chunk committed (issue 15, defect 1).

A trigger in the test database stands in for a refusal no row check foresees (a number a
concurrent writer took, a value the column cannot hold): it raises a constraint error (an
``IntegrityError``) for the rows it is told to, on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import io

import pytest
from django.db import connection

from liaison.batch.imports.pipeline import csv_import
from liaison.batch.imports.results import ImportCheckpoint, ImportStopped
from liaison.sales.models import Customer


@pytest.fixture
def refuse_inserts() -> None:
    """Customers named "Bad..." are refused by the database, or every customer once
    ``REFUSE_ALL`` holds a row (a fault of the database, not of the rows)."""
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE refuse_all (x integer)")
        if connection.vendor == "postgresql":
            cur.execute(
                "CREATE FUNCTION refuse_bad() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                "IF NEW.name LIKE 'Bad%' OR EXISTS (SELECT 1 FROM refuse_all) THEN RAISE "
                "EXCEPTION 'refused by a trigger' USING ERRCODE = 'check_violation'; END IF; "
                "RETURN NEW; END $$"
            )
            cur.execute(
                "CREATE TRIGGER refuse_bad BEFORE INSERT ON sales_customer FOR EACH ROW "
                "EXECUTE FUNCTION refuse_bad()"
            )
        else:
            cur.execute(
                "CREATE TRIGGER refuse_bad BEFORE INSERT ON sales_customer WHEN NEW.name LIKE "
                "'Bad%' OR EXISTS (SELECT 1 FROM refuse_all) BEGIN "
                "SELECT RAISE(ABORT, 'refused by a trigger'); END"
            )
    # no teardown: the test's transaction is rolled back, the trigger with it


def test_a_row_the_database_refuses_on_its_own_is_that_rows_error_and_the_others_are_stored(
    refuse_inserts: None,
) -> None:
    # given a chunk of five rows of which the database refuses one
    where: list[ImportCheckpoint] = []
    text = "number,name\n,Anna\n,Bert\n,Bad Carl\n,Dora\n,Emil\n"
    # when
    result = csv_import("customer", io.StringIO(text), chunk_size=5, checkpoint=where.append)
    # then only that row is refused, with the database's reason, and the chunk is committed
    assert (result.created, result.failed) == (4, 1)
    assert [(e.row, e.field) for e in result.errors] == [(3, "")]
    assert "not stored: the database refused it (refused by a trigger)" in str(result.errors[0])
    assert where == [ImportCheckpoint(rows=5, created=4, failed=1)]
    assert sorted(Customer.objects.values_list("name", flat=True)) == [
        "Anna",
        "Bert",
        "Dora",
        "Emil",
    ]


def test_a_database_that_refuses_every_row_stops_the_import_instead_of_refusing_rows(
    refuse_inserts: None,
) -> None:
    # given a first chunk stored, then a database that refuses every insert
    where: list[ImportCheckpoint] = []

    def checkpoint(at: ImportCheckpoint) -> None:
        where.append(at)
        with connection.cursor() as cur:
            cur.execute("INSERT INTO refuse_all VALUES (1)")  # from the next chunk on

    text = "number,name\n,Anna\n,Bert\n,Carl\n,Dora\n,Emil\n"
    # when
    with pytest.raises(ImportStopped) as stopped:
        csv_import("customer", io.StringIO(text), chunk_size=2, checkpoint=checkpoint)
    # then the import stopped at the second chunk: no row is called bad, the result is the
    # first chunk's, and nothing of the second chunk was stored or checkpointed
    stop = stopped.value
    assert (stop.first, stop.last) == (3, 4)
    assert (stop.result.rows, stop.result.created, stop.result.errors) == (2, 2, [])
    assert "refused by a trigger" in str(stop.cause)
    assert where == [ImportCheckpoint(rows=2, created=2)]
    assert sorted(Customer.objects.values_list("name", flat=True)) == ["Anna", "Bert"]
