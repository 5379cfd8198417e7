"""W6 of ``liaison bench``: HTTP throughput of one contact's GET and PATCH on a real server.

The bench process seeds contacts (``bench.search.seed_contacts``), makes an editor's API token,
and starts the server ``liaison serve`` starts (gunicorn, 2 workers, access log on) on a free
port against the same database. It then drives the server itself, from this separate process:
``CLIENTS`` threads, each with its own keep-alive ``http.client`` connection (gunicorn's sync
workers close it after each response; the client opens a new one), for ``seconds`` each:

- GET ``/api/v1/contacts/{no}`` of random seeded contacts;
- PATCH of the phone number, each thread on its own contact with ``If-Match`` set to the ETag of
  its previous answer (optimistic locking, as an integration would).

Both cores of the machine are shared by the server's workers and this load generator, so the
server's CPU time per request (gunicorn and its workers; on PostgreSQL the database's own
processes are not counted) is reported too: 2 cores over it bounds what the server can do.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

CLIENTS = 4


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _liaison() -> str:
    here = os.path.join(os.path.dirname(sys.executable), "liaison")
    return here if os.path.exists(here) else (shutil.which("liaison") or "liaison")


def _wait_ready(port: int, headers: dict[str, str], path: str, server: Any) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server stopped with exit code {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path, headers=headers)
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
            raise RuntimeError(f"GET {path} answered {status}")
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not answer within 30 s")


def _drive(
    port: int,
    seconds: float,
    step: Callable[[http.client.HTTPConnection, int, dict[str, Any]], int],
) -> tuple[int, int, list[float], float]:
    """Run ``step`` in CLIENTS threads for ``seconds``: (ok, errors, latencies ms, elapsed s)."""
    latencies: list[list[float]] = [[] for _ in range(CLIENTS)]
    errors = [0] * CLIENTS
    stop = threading.Event()

    def client(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        state: dict[str, Any] = {}
        while not stop.is_set():
            started = time.perf_counter()
            status = step(conn, k, state)
            if status == 200:
                latencies[k].append((time.perf_counter() - started) * 1000)
            else:
                errors[k] += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    flat = [m for per in latencies for m in per]
    return len(flat), sum(errors), flat, elapsed


def _tree_cpu(pid: int) -> float:
    """CPU seconds used so far by process ``pid`` and its children (Linux ``/proc``; 0 elsewhere).

    For a figure that does not depend on what else the machine runs: the server's CPU per
    request, next to the requests per second it managed on a shared machine."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0.0
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else []:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) == pid or int(fields[1]) == pid:  # fields[1] is the parent's id
            total += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return total


def _request(
    conn: http.client.HTTPConnection, method: str, path: str, headers: dict[str, str], body: Any
) -> tuple[int, str]:
    data = json.dumps(body) if body is not None else None
    try:
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("ETag") or ""
    except (OSError, http.client.HTTPException):
        conn.close()  # the next request opens a new connection
        return 0, ""


def run_http(n: int, seconds: float) -> dict[str, Any]:
    """W6: seed N contacts, start the server, drive GETs then PATCHes for ``seconds`` each."""
    from django.db import connection

    from liaison.accounts.services import token_create, user_create
    from liaison.bench.search import contact_values, percentiles, seed_contacts

    seed_contacts(n)
    user_create(username="bench", password=os.urandom(16).hex(), role="editor")
    _, secret, _ = token_create(username="bench")
    connection.close()  # the server's workers open their own connections
    auth = {"Authorization": f"Bearer {secret}", "Accept": "application/json"}
    port = _free_port()
    server = subprocess.Popen(
        [_liaison(), "serve", "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=dict(os.environ),
    )
    try:
        _wait_ready(port, auth, f"/api/v1/contacts/{contact_values(0)['number']}", server)
        rnd = random.Random(6)

        def get(conn: http.client.HTTPConnection, k: int, state: dict[str, Any]) -> int:
            number = contact_values(rnd.randrange(n))["number"]
            return _request(conn, "GET", f"/api/v1/contacts/{number}", auth, None)[0]

        def patch(conn: http.client.HTTPConnection, k: int, state: dict[str, Any]) -> int:
            path = f"/api/v1/contacts/{contact_values(n - 1 - k)['number']}"
            if "etag" not in state:
                status, state["etag"] = _request(conn, "GET", path, auth, None)
                state["i"] = 0
                if status != 200:
                    return status
            state["i"] += 1
            body = {"phone_no": f"+47 22 {k:02d} {state['i'] % 10_000:04d}"}
            headers = {**auth, "Content-Type": "application/json", "If-Match": state["etag"]}
            status, tag = _request(conn, "PATCH", path, headers, body)
            if status == 200:
                state["etag"] = tag
            else:
                state.pop("etag", None)
            return status

        result: dict[str, Any] = {
            "workload": "W6",
            "backend": connection.vendor,
            "n": n,
            "clients": CLIENTS,
        }
        for label, step in (("get", get), ("patch", patch)):
            _drive(port, min(1.0, seconds / 5), step)  # warm up: connections, caches
            server_cpu, client_cpu = _tree_cpu(server.pid), time.process_time()
            ok, errors, millis, elapsed = _drive(port, seconds, step)
            server_cpu = _tree_cpu(server.pid) - server_cpu
            client_cpu = time.process_time() - client_cpu
            result[f"{label}_per_s"] = round(ok / elapsed)
            result[f"{label}_server_cpu_ms"] = round(server_cpu * 1000 / max(ok, 1), 2)
            result[f"{label}_client_cpu_ms"] = round(client_cpu * 1000 / max(ok, 1), 2)
            result[f"{label}_errors"] = errors
            result.update(percentiles(label, millis or [0.0]))
        return result
    finally:
        server.terminate()
        server.wait(timeout=30)
