"""The `liaison` command's guard rails."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

import pytest

from liaison.cli import main

_SCRIPT = Path(sys.executable).with_name("liaison")
LIAISON = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "liaison.cli"]


def test_serve_production_refuses_the_development_secret_key(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LIAISON_SECRET_KEY", raising=False)
    monkeypatch.delenv("LIAISON_SECRET_KEY_FILE", raising=False)
    assert main(["serve", "--production"]) == 1
    err = capsys.readouterr().err
    assert "SECRET_KEY" in err
    assert "Refusing to serve in production mode" in err


def test_user_create_gives_the_role(capsys: pytest.CaptureFixture[str]) -> None:
    from liaison.accounts.roles import role_of

    assert main(["user", "create", "ana", "--role", "viewer", "--password", "pw-123456"]) == 0
    assert "ana (viewer) created" in capsys.readouterr().out
    from django.contrib.auth import get_user_model

    assert role_of(get_user_model().objects.get(username="ana")) == "viewer"
    assert main(["user", "create", "ana", "--password", "x"]) == 2


def _liaison_child(
    env: dict[str, str], *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """The real console script, with no terminal: stdin empty, in a session of its own."""
    return subprocess.run(
        [*LIAISON, *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        timeout=timeout,
    )


def _child_env(var_dir: Path) -> dict[str, str]:
    unset = ("DATABASE_URL", "LIAISON_SQLITE_PATH", "LIAISON_PASSWORD", "LIAISON_DEBUG")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    return {**env, "DJANGO_SETTINGS_MODULE": "liaison.settings", "LIAISON_VAR_DIR": str(var_dir)}


def test_user_create_with_no_password_and_no_terminal_refuses_with_exit_2(
    tmp_path: Path,
) -> None:
    env = _child_env(tmp_path)
    assert _liaison_child(env, "init").returncode == 0
    done = _liaison_child(env, "user", "create", "ana", "--role", "viewer")
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert "EOFError" not in done.stderr, done.stderr
    [line] = [line for line in done.stderr.splitlines() if line.startswith("error")]
    assert "--password-file" in line, line
    assert "LIAISON_PASSWORD" in line, line
    with closing(sqlite3.connect(tmp_path / "liaison.sqlite3")) as db:
        assert db.execute("SELECT count(*) FROM auth_user").fetchone() == (0,)


def test_user_create_takes_the_password_from_a_file_or_liaison_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from django.contrib.auth import get_user_model

    monkeypatch.delenv("LIAISON_PASSWORD", raising=False)
    secret = tmp_path / "password"
    secret.write_text("from the file, with spaces\n")
    assert main(["user", "create", "ana", "--password-file", str(secret)]) == 0
    monkeypatch.setenv("LIAISON_PASSWORD", "from-the-environment")
    assert main(["user", "create", "bea", "--role", "viewer"]) == 0
    users = get_user_model().objects
    assert users.get(username="ana").check_password("from the file, with spaces")
    assert users.get(username="bea").check_password("from-the-environment")
    secret.write_text("\n")
    assert main(["user", "create", "cid", "--password-file", str(secret)]) == 2
    assert main(["user", "create", "cid", "--password-file", str(tmp_path / "none")]) == 2
    err = capsys.readouterr().err
    assert "the password is empty" in err
    assert "cannot read the password file" in err
    assert not users.filter(username="cid").exists()


def test_user_create_help_names_the_password_file_and_liaison_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["user", "create", "--help"])
    assert exited.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "--password-file FILE" in out
    assert "LIAISON_PASSWORD" in out
    assert "/admin/" in out


def test_a_user_created_with_staff_sees_the_read_only_admin() -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    assert main(["user", "create", "sam", "--role", "viewer", "--staff", "--password", "pw-1"]) == 0
    assert main(["user", "create", "tim", "--role", "viewer", "--password", "pw-2"]) == 0
    staff, other = Client(), Client()
    staff.force_login(get_user_model().objects.get(username="sam"))
    other.force_login(get_user_model().objects.get(username="tim"))
    index = staff.get("/admin/")
    assert index.status_code == 200
    assert "/admin/contacts/contact/" in index.content.decode()
    assert staff.get("/admin/contacts/contact/").status_code == 200
    assert staff.get("/admin/contacts/contact/add/").status_code == 403  # read-only
    assert staff.get("/admin/auth/user/").status_code == 403  # users: superusers only
    assert other.get("/admin/").status_code == 302  # not staff: to the admin's sign-in


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_two_serve_instances_each_have_their_own_control_socket() -> None:
    """gunicorn's default control socket is one per user: the second server took it over."""
    var_dir = Path(tempfile.mkdtemp(prefix="lia-", dir="/tmp"))  # Unix socket paths are short
    env = _child_env(var_dir)
    servers: list[tuple[subprocess.Popen[bytes], Path]] = []
    try:
        first = _free_port()
        for port in (first, next(p for p in iter(_free_port, 0) if p != first)):
            log = var_dir / f"serve-{port}.log"
            with open(log, "wb") as out:
                args = ["serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
                servers.append(
                    (
                        subprocess.Popen(
                            [*LIAISON, *args],
                            env=env,
                            stdin=subprocess.DEVNULL,
                            stdout=out,
                            stderr=subprocess.STDOUT,
                        ),
                        log,
                    )
                )
        sockets = []
        for process, log in servers:
            deadline = time.monotonic() + 30
            while "Control socket listening at " not in log.read_text():
                assert process.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
            said = log.read_text().split("Control socket listening at ", 1)[1]
            sockets.append(said.splitlines()[0].strip())
        assert sockets[0] != sockets[1]
        gunicornc = Path(sys.executable).with_name("gunicornc")
        for (process, _log), path in zip(servers, sockets, strict=True):
            assert Path(path).parent == var_dir.resolve() / "run", path
            stats = subprocess.run(
                [str(gunicornc), "-s", path, "-c", "show stats", "-j"],
                capture_output=True,
                text=True,
                timeout=30,
            )
            assert json.loads(stats.stdout)["pid"] == process.pid, stats.stdout + stats.stderr
    finally:
        for process, _log in servers:
            process.terminate()
        for process, _log in servers:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=15)
        shutil.rmtree(var_dir, ignore_errors=True)
