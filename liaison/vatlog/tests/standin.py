"""A local stand-in for the VIES REST service, served in-process by ``http.server`` in a
thread, so the checker's tests never reach the real one. Each VAT number is answered as its
``answers`` entry says: ``"valid"``, ``"invalid"``, ``"down"`` (HTTP 500 with VIES's
MS_UNAVAILABLE), ``"garbage"`` (not JSON); unknown numbers are invalid."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class StandIn:
    url: str
    answers: dict[str, str] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)


@contextmanager
def vies_standin() -> Iterator[StandIn]:
    """A running stand-in; its URL goes into ``LIAISON_VIES_URL``."""
    state = StandIn(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            asked = json.loads(self.rfile.read(length))
            state.requests.append(asked)
            answer = state.answers.get(asked["vatNumber"], "invalid")
            if answer == "down":
                self._send(
                    500,
                    {
                        "actionSucceed": False,
                        "errorWrappers": [
                            {"error": "MS_UNAVAILABLE", "message": "member state down"}
                        ],
                    },
                )
            elif answer == "garbage":
                self._send(200, None, raw=b"<html>maintenance</html>")
            else:
                self._send(
                    200,
                    {
                        "countryCode": asked["countryCode"],
                        "vatNumber": asked["vatNumber"],
                        "requestDate": "2026-12-06T05:00:00.000Z",
                        "valid": answer == "valid",
                        "name": "ACME GMBH" if answer == "valid" else "---",
                        "address": "HAUPTSTRASSE 1, 10115 BERLIN" if answer == "valid" else "---",
                    },
                )

        def _send(self, status: int, body: Any, raw: bytes | None = None) -> None:
            data = raw if raw is not None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/check-vat-number"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
