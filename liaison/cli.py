"""The ``liaison`` command: init, serve, demo, contacts create-from, jobs, check, bench, import,
export, backup, restore, user, token.

Anything else is handed to Django's management commands (``liaison migrate``,
``liaison createsuperuser``...). Exit status is non-zero on failure.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import shlex
import shutil
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from liaison.batch.models import BatchJob

# sun_path holds 108 bytes on Linux (104 on the BSDs), its terminating NUL included.
UNIX_SOCKET_PATH_MAX = 103
KIND_ARGS = {"customers": "customer", "vendors": "vendor", "bank-accounts": "bank_account"}
OWN_COMMANDS = {
    "init",
    "serve",
    "demo",
    "contacts",
    "jobs",
    "check",
    "bench",
    "token",
    "user",
    "backup",
    "restore",
    "import",
    "export",
    "vat",
    "duplicates",
}


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    import django
    from django.conf import settings

    django.setup()
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)


def _parser() -> argparse.ArgumentParser:
    from liaison.batch.commands.files import positive

    parser = argparse.ArgumentParser(
        prog="liaison",
        description="Keep contacts in step with customers, vendors and bank accounts.",
        epilog="Other commands are Django's: liaison migrate, liaison createsuperuser, ...",
    )
    # Taken off by main() before any command sees it; here for --help.
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="before the command: also print an unexpected error's traceback on stderr "
        "(as LIAISON_DEBUG=1 does); it also goes to var/log/cli.log",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init", help="migrate the database and create the default setup (idempotent)")
    serve = sub.add_parser("serve", help="serve the web application with gunicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve.add_argument("--workers", type=int, default=2)
    serve.add_argument(
        "--production",
        action="store_true",
        help="refuse DEBUG or a development secret key; secure cookies, HSTS, CSP",
    )
    demo = sub.add_parser("demo", help="load the demo company into an empty database")
    demo.add_argument("--companies", type=int, default=50)
    contacts = sub.add_parser("contacts", help="contact batch jobs")
    csub = contacts.add_subparsers(dest="action", required=True)
    create_from = csub.add_parser(
        "create-from", help="create company contacts for records that have none"
    )
    create_from.add_argument("kind", choices=sorted(KIND_ARGS))
    create_from.add_argument("--chunk-size", type=int, default=1000)
    create_from.add_argument(
        "--resume",
        action="store_true",
        help="go on with the interrupted job of this kind, if there is one",
    )
    jobs = sub.add_parser("jobs", help="batch jobs: list them, resume interrupted ones")
    jsub = jobs.add_subparsers(dest="action", required=True)
    jsub.add_parser("list", help="the last 20 jobs, with their progress")
    jresume = jsub.add_parser(
        "resume",
        help="go on with a job after its last committed chunk (default: every interrupted job)",
    )
    jresume.add_argument("id", type=int, nargs="?")
    check = sub.add_parser("check", help="report drift between linked records; --repair fixes it")
    check.add_argument("--repair", action="store_true")
    check.add_argument("--show", type=int, default=20, help="how many disagreements to list")
    vat = sub.add_parser("vat", help="the VAT registration log: check the numbers due")
    vsub = vat.add_subparsers(dest="action", required=True)
    vcheck = vsub.add_parser(
        "check",
        help="check new VAT numbers and retry those not verified whose time has come (EU VIES)",
    )
    vcheck.add_argument("--limit", type=positive, default=None, help="at most this many")
    dupl = sub.add_parser("duplicates", help="duplicate detection: build the search strings")
    dsub = dupl.add_subparsers(dest="action", required=True)
    dindex = dsub.add_parser(
        "index", help="build the duplicate search strings and pairs of company contacts"
    )
    dindex.add_argument("--number", default="", help="only this contact")
    dindex.add_argument("--company", default="", help="only this company contact")
    dindex.add_argument(
        "--modified-since",
        type=datetime.date.fromisoformat,
        default=None,
        help="only contacts changed on or after this date (YYYY-MM-DD)",
    )
    dindex.add_argument("--chunk-size", type=positive, default=1000)
    user = sub.add_parser("user", help="web UI users")
    usub = user.add_subparsers(dest="action", required=True)
    ucreate = usub.add_parser(
        "create",
        help="create a user who signs in to the web UI",
        description="Create a user who signs in to the web UI at /login/. The password comes "
        "from --password, --password-file FILE or the LIAISON_PASSWORD environment variable, "
        "or else is asked for on the terminal; with none of them and no terminal (a script, "
        "a pipe, cron) the command refuses.",
    )
    ucreate.add_argument("username")
    ucreate.add_argument(
        "--role",
        choices=["viewer", "editor", "admin"],
        default="editor",
        help="viewer reads; editor changes records and links; admin also the setup",
    )
    ucreate.add_argument(
        "--staff", action="store_true", help="may also open the read-only admin at /admin/"
    )
    ucreate.add_argument(
        "--salesperson",
        default="",
        metavar="CODE",
        help="the salesperson code the contacts, customers and vendors the user makes get "
        "where left blank",
    )
    password = ucreate.add_mutually_exclusive_group()
    password.add_argument(
        "--password",
        help="the password (other local users can see it in the process list: prefer "
        "--password-file or LIAISON_PASSWORD)",
    )
    password.add_argument(
        "--password-file",
        metavar="FILE",
        help="read the password from the first line of FILE (- for standard input)",
    )
    usales = usub.add_parser(
        "salesperson",
        help="set a user's salesperson code ('' for none)",
        description="Set the salesperson code the contacts, customers and vendors the user "
        "makes get where left blank (pass '' to clear it).",
    )
    usales.add_argument("username")
    usales.add_argument("code")
    token = sub.add_parser("token", help="API tokens: create, list, revoke")
    tsub = token.add_subparsers(dest="action", required=True)
    tcreate = tsub.add_parser("create", help="create a token (shown once) for a user")
    tcreate.add_argument("--user", required=True, help="user name (created if missing)")
    tcreate.add_argument("--read-only", action="store_true", help="the token can only read")
    tsub.add_parser("list", help="list tokens (prefixes only; secrets are not stored)")
    trevoke = tsub.add_parser("revoke", help="revoke a token by its prefix")
    trevoke.add_argument("prefix")
    return parser


def _user(args: argparse.Namespace) -> int:
    from django.utils.translation import gettext as _

    from liaison.accounts.services import user_create, user_salesperson_set

    if args.action == "salesperson":
        profile = user_salesperson_set(username=args.username, salesperson_code=args.code)
        print(
            _("User {name}: salesperson {code}.").format(
                name=args.username, code=profile.salesperson_code or _("(none)")
            )
        )
        return 0
    password, problem = _password(args)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    user_create(
        username=args.username,
        password=password,
        role=args.role,
        admin=args.staff,
        salesperson_code=args.salesperson,
    )
    print(
        _("User {name} ({role}) created: sign in at /login/{admin}.").format(
            name=args.username, role=args.role, admin=_(" and /admin/") if args.staff else ""
        )
    )
    return 0


def _password(args: argparse.Namespace) -> tuple[str, str]:
    """The new user's password, or why there is none: (password, "") or ("", problem)."""
    import getpass

    from django.utils.translation import gettext as _

    if args.password is not None:
        password = args.password
    elif args.password_file is not None:
        try:
            if args.password_file == "-":
                password = sys.stdin.readline()
            else:
                with open(args.password_file, encoding="utf-8") as fh:
                    password = fh.readline()
        except (OSError, UnicodeDecodeError) as exc:
            return "", _("cannot read the password file {file}: {reason}.").format(
                file=args.password_file, reason=getattr(exc, "strerror", None) or exc
            )
        password = password.rstrip("\r\n")
    elif "LIAISON_PASSWORD" in os.environ:
        password = os.environ["LIAISON_PASSWORD"]
    elif sys.stdin.isatty():
        try:
            password = getpass.getpass(_("Password for {name}: ").format(name=args.username))
            again = getpass.getpass(_("The same password again: "))
        except EOFError:
            return "", _("no password given: the user was not created.")
        if password != again:
            return "", _("the two passwords differ: the user was not created.")
    else:
        return "", _(
            "no password given and no terminal to ask for one: pass --password-file FILE or "
            "set LIAISON_PASSWORD (the user was not created)."
        )
    if not password:
        return "", _("the password is empty: the user was not created.")
    return password, ""


def _token(args: argparse.Namespace) -> int:
    from liaison.accounts.models import ApiToken
    from liaison.accounts.services import token_create, token_revoke

    if args.action == "create":
        token, secret, user_created = token_create(username=args.user, read_only=args.read_only)
        if user_created:
            print(f"Created user {args.user} (no password: API access only).")
        mode = "read-only" if token.read_only else "read-write"
        print(f"Token {token.prefix} ({mode}) for {args.user}. Shown once, keep it safe:")
        print(secret)
    elif args.action == "list":
        for token in ApiToken.objects.select_related("user"):
            state = (
                "revoked"
                if token.revoked_at
                else ("read-only" if token.read_only else "read-write")
            )
            print(f"{token.prefix}  {token.user.get_username():<20} {state}")
    else:
        token_revoke(prefix=args.prefix)
        print(f"Token {args.prefix} revoked.")
    return 0


def _init() -> int:
    from django.core.management import call_command

    from liaison.setup import setup_all

    call_command("migrate", interactive=False, verbosity=0)
    created = setup_all()
    print("Default setup: " + (", ".join(created) if created else "already in place") + ".")
    return 0


def _serve(args: argparse.Namespace) -> int:
    if args.production:
        from django.conf import settings

        from liaison.ops.production import production_problems

        problems = production_problems(settings)
        if problems:
            for problem in problems:
                print(f"error: {problem}", file=sys.stderr)
            print("Refusing to serve in production mode.", file=sys.stderr)
            return 1
        os.environ["LIAISON_PRODUCTION"] = "1"
    gunicorn = shutil.which("gunicorn") or os.path.join(os.path.dirname(sys.executable), "gunicorn")
    control, socket = _control_socket(args.host, args.port)
    argv = [
        gunicorn,
        "liaison.wsgi:application",
        "--bind",
        f"{args.host}:{args.port}",
        "--workers",
        str(args.workers),
        "--access-logfile",
        "-",
        # gunicorn's default line, plus the request id the error log and 500 page show.
        "--access-logformat",
        '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" id=%({x-request-id}o)s',
        *control,
    ]
    print(f"Liaison serving on http://{args.host}:{args.port}/", flush=True)
    if socket is not None:
        print(f"Control: gunicornc -s {socket}", flush=True)
    os.execv(gunicorn, argv)
    return 0  # pragma: no cover - execv does not return


def _control_socket(host: str, port: int) -> tuple[list[str], Path | None]:
    """gunicorn's arguments for its control socket (``gunicornc``), and the socket's path.

    gunicorn's default is one path per user (~/.gunicorn/gunicorn.ctl), so a second server on
    the machine takes the first one's over and the first to stop deletes the other's. Each
    server gets its own under the data directory, named by its address; where that path is too
    long for a Unix socket or cannot be made, the socket is turned off.
    """
    from django.conf import settings

    name = re.sub(r"[^A-Za-z0-9.-]", "_", host)
    socket = Path(settings.VAR_DIR).resolve() / "run" / f"gunicorn-{name}-{port}.ctl"
    if len(os.fsencode(socket)) > UNIX_SOCKET_PATH_MAX:
        return ["--no-control-socket"], None
    try:
        socket.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return ["--no-control-socket"], None
    return ["--control-socket", str(socket)], socket


def _demo(args: argparse.Namespace) -> int:
    from liaison.demo import DEMO_PASSWORD, DEMO_USER, demo_is_loadable, demo_load
    from liaison.documents.demo import documents_demo_load

    if not demo_is_loadable():
        print("The database already holds data: the demo company is not loaded.")
        print(f"(The demo's sign-in, if it was loaded here: '{DEMO_USER}' / '{DEMO_PASSWORD}'.)")
        return 0
    made = demo_load(args.companies)
    made.update(documents_demo_load())
    print("Demo company loaded: " + ", ".join(f"{n} {k}" for k, n in made.items()) + ".")
    print(f"Sign in to the demo as user '{DEMO_USER}' with password '{DEMO_PASSWORD}'.")
    return 0


def _job_bar(label: str) -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """A tqdm bar on stderr: its progress(done, total) callback and its close."""
    from tqdm import tqdm

    bar = tqdm(total=0, unit=" records", desc=label, file=sys.stderr)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    return progress, bar.close


def _job_summary(job: BatchJob, created_before: int = 0) -> int:
    plural = next(arg for arg, kind in KIND_ARGS.items() if kind == job.kind)
    if job.status != "done":
        print(f"error: job {job.pk} {job.status}: {job.error}", file=sys.stderr)
        return 2
    line = f"Created {job.created} contacts; skipped {job.skipped} already linked {plural}"
    if job.with_duplicates:
        line += f"; {job.with_duplicates} of the new contacts have duplicates (liaison duplicates)"
    if created_before:
        line += f" ({created_before} before the interruption, {job.created - created_before} now)"
    print(f"{line}. Job {job.pk}.")
    return 0


def _job_resume(pk: int) -> int:
    from liaison.batch.jobs import job_resumable, job_resume

    before = job_resumable(pk)
    print(
        f"Resuming job {pk} after {before.last_number or 'the start'}: "
        f"{before.done} of {before.total} done.",
        file=sys.stderr,
    )
    progress, close = _job_bar(f"job {pk}")
    job = job_resume(pk, progress=progress)
    close()
    return _job_summary(job, created_before=before.created)


def _create_from(args: argparse.Namespace) -> int:
    from liaison.batch.jobs import job_create, job_run, jobs_interrupted

    kind = KIND_ARGS[args.kind]
    if args.resume:
        interrupted = jobs_interrupted(kind)
        if interrupted:
            return _job_resume(interrupted[-1].pk)
        print(f"No interrupted job for {args.kind}: starting a new one.", file=sys.stderr)
    job = job_create(kind=kind, chunk_size=args.chunk_size)
    progress, close = _job_bar(f"contacts from {args.kind}")
    job = job_run(job.pk, progress=progress)
    close()
    return _job_summary(job)


def _jobs(args: argparse.Namespace) -> int:
    from liaison.batch.jobs import job_interrupted, jobs_interrupted
    from liaison.batch.selectors import job_list

    if args.action == "list":
        for job in job_list(limit=20):
            status = "interrupted" if job_interrupted(job) else job.status
            print(
                f"{job.pk:>5} {job.kind:<13} {status:<11} {job.done}/{job.total} "
                f"created {job.created} skipped {job.skipped} after {job.last_number or '-'} "
                f"({job.host}:{job.pid})"
            )
        return 0
    if args.id is not None:
        return _job_resume(args.id)
    interrupted = jobs_interrupted()
    if not interrupted:
        print("No interrupted jobs.")
    exit_status = 0
    for job in interrupted:
        exit_status = max(exit_status, _job_resume(job.pk))
    return exit_status


def _vat(args: argparse.Namespace) -> int:
    from django.utils.translation import gettext as _

    from liaison.vatlog.services import vat_checks_run

    progress, close = _job_bar(_("VAT numbers"))
    run = vat_checks_run(limit=args.limit, progress=progress)
    close()
    print(run.describe())
    return 0


def _duplicates(args: argparse.Namespace) -> int:
    from django.utils.translation import gettext as _

    from liaison.duplicates.services import duplicates_index_run

    progress, close = _job_bar(_("duplicate search strings"))
    result = duplicates_index_run(
        number=args.number,
        company=args.company,
        modified_since=args.modified_since,
        chunk_size=args.chunk_size,
        progress=progress,
    )
    close()
    print(
        _("Indexed {indexed} company contacts; {found} of them found duplicates.").format(
            indexed=result.indexed, found=result.with_duplicates
        )
    )
    return 0


def _check(args: argparse.Namespace) -> int:
    from liaison.relations.checks import drift_find, drift_repair, summaries_stale

    drift = drift_find()
    stale = summaries_stale()
    for item in drift[: args.show]:
        print(f"drift: {item}")
    print(f"{len(drift)} disagreements between linked records; {stale} stale summaries.")
    if not args.repair:
        return 1 if drift or stale else 0
    written, fixed = drift_repair()
    left = drift_find(limit=1)
    print(f"Repaired: {written} records written, {fixed} summaries fixed.")
    if left:
        print(f"Still drifting after repair: {left[0]}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``liaison`` console script.

    What a command changes is audited as the operating-system user's, made by an import, a
    batch job or (repair, demo, setup) the system.

    Every failure ends as one ``error:`` line on stderr: a refusal (``DomainError``) with its
    code, a database or disk failure (read-only, full, unreachable...) with its cause and what
    to do (liaison/core/db_errors.py), both exit 2; anything else is a bug, exit 1. The
    traceback of every unexpected error is appended to ``var/log/cli.log`` (LIAISON_VAR_DIR)
    and also printed with ``liaison --verbose COMMAND`` or ``LIAISON_DEBUG=1``.
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    verbose = os.environ.get("LIAISON_DEBUG") == "1"
    if args_list[:1] == ["--verbose"]:
        verbose, args_list = True, args_list[1:]
    try:
        from liaison.audit.context import Source, acting_as

        sources = {
            "import": Source.IMPORT,
            "contacts": Source.BATCH,
            "jobs": Source.BATCH,
            "duplicates": Source.BATCH,
        }
        with acting_as(source=sources.get(args_list[0] if args_list else "", Source.SYSTEM)):
            return _main(args_list)
    except KeyboardInterrupt:
        from liaison.core.db_errors import translated as _

        said = _(
            "interrupted; an import goes on with --resume, a batch job with `liaison jobs resume`."
        )
        print(f"error: {said}", file=sys.stderr)
        return 130
    except Exception as exc:  # the one place every unexpected error ends
        return _failed(exc, args_list, verbose=verbose)


def _failed(exc: Exception, args_list: list[str], *, verbose: bool) -> int:
    """One ``error:`` line for ``exc``; its traceback goes to the log (and stderr if verbose)."""
    from liaison.core.db_errors import database_error_message
    from liaison.core.db_errors import translated as _
    from liaison.core.errors import DomainError

    if isinstance(exc, DomainError):
        print(f"error [{exc.code}]: {exc}", file=sys.stderr)
        return 2
    message = database_error_message(exc)
    status = 2
    if message is None:
        message = _("unexpected {kind}: {said}; this is a bug, please report it").format(
            kind=type(exc).__name__, said=exc
        )
        status = 1
    details = traceback.format_exc()
    if verbose:
        print(details, file=sys.stderr, end="")
    log = _log_traceback(args_list, details)
    if log is not None:
        where = " " + _("(traceback in {log})").format(log=log)
    elif not verbose:
        where = " " + _("(liaison --verbose shows the traceback)")
    else:
        where = ""
    print(f"error: {message}{where}", file=sys.stderr)
    return status


def _log_traceback(args_list: list[str], details: str) -> Path | None:
    """Append the traceback to var/log/cli.log; None when that cannot be written (read-only)."""
    try:
        from django.conf import settings

        var_dir = Path(settings.VAR_DIR)
    except Exception:  # settings that failed to load: their default place
        var_dir = Path(os.environ.get("LIAISON_VAR_DIR", Path(__file__).parent.parent / "var"))
    log = var_dir / "log" / "cli.log"
    stamp = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as fh:
            command = shlex.join(_without_secrets(args_list))
            fh.write(f"{stamp} pid {os.getpid()}: liaison {command}\n{details}\n")
    except OSError:
        return None
    return log


def _without_secrets(args_list: list[str]) -> list[str]:
    """The command line as the log may keep it: a ``--password`` value replaced by ***."""
    kept: list[str] = []
    for arg in args_list:
        if kept[-1:] == ["--password"]:
            arg = "***"
        elif arg.startswith("--password="):
            arg = "--password=***"
        kept.append(arg)
    return kept


def _main(args_list: list[str]) -> int:
    if args_list[:1] == ["bench"]:
        from liaison import bench

        return bench.main(args_list[1:])
    _setup_django()
    if args_list[:1] in (["backup"], ["restore"]):
        from liaison.ops.backup import backup_main, restore_main

        return (backup_main if args_list[0] == "backup" else restore_main)(args_list[1:])
    if args_list[:1] in (["import"], ["export"]):
        from liaison.batch.commands.export_command import export_main
        from liaison.batch.commands.import_command import import_main

        return (import_main if args_list[0] == "import" else export_main)(args_list[1:])
    if args_list and args_list[0] not in OWN_COMMANDS and not args_list[0].startswith("-"):
        from django.core.management import execute_from_command_line

        execute_from_command_line(["liaison", *args_list])
        return 0
    args = _parser().parse_args(args_list)
    handlers = {
        "init": lambda: _init(),
        "serve": lambda: _serve(args),
        "demo": lambda: _demo(args),
        "contacts": lambda: _create_from(args),
        "jobs": lambda: _jobs(args),
        "check": lambda: _check(args),
        "token": lambda: _token(args),
        "user": lambda: _user(args),
        "vat": lambda: _vat(args),
        "duplicates": lambda: _duplicates(args),
    }
    return handlers[args.command]()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
