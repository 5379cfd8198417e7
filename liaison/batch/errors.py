"""Errors of batch jobs and imports: a run taken over, not resumable, or interrupted."""

from liaison.core.errors import Conflict


class RunTakenOver(Conflict):
    """A batch job or import was resumed by another process: this one must stop writing."""

    code = "run_taken_over"


class RunNotResumable(Conflict):
    """The job or import asked to resume is finished, or its process is still working on it."""

    code = "run_not_resumable"


class ImportInterrupted(Conflict):
    """The same file has an unfinished import: resume it or restart it, never both at once."""

    code = "import_interrupted"
