"""``liaison import`` and ``liaison export``: the import and export services behind a command line.

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
