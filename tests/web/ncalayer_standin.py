"""A small local stand-in for NCALayer, the national signing application, for the browser tests: it speaks
the documented messages of NCALayer's local WebSocket (no real NCALayer was available to the tests).

On connecting it sends its version, as NCALayer does; to
`{"module": "kz.gov.pki.knca.commonUtils", "method": "createCAdESFromBase64",
"args": [storage, "SIGNATURE", base64, attached]}` it answers `{"code": "200", "responseObject": <CMS in
base64>}`, signing with the key it was given where NCALayer would ask the user for a key and password;
anything else it answers with code 500 and a message. Plain ws:// stands in for NCALayer's wss:// with its
own certificate."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from websockets.sync.server import ServerConnection, serve

from tekseru.documents.signatures import SigningKey, sign_cms

MODULE, METHOD = "kz.gov.pki.knca.commonUtils", "createCAdESFromBase64"


@dataclass
class StandIn:
    key: SigningKey
    url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)
    cancel: bool = False  # answer as NCALayer does when the user closes its window

    def handle(self, connection: ServerConnection) -> None:
        connection.send(json.dumps({"result": {"version": "1.4"}}))
        for message in connection:
            request = json.loads(message)
            self.requests.append(request)
            connection.send(json.dumps(self.answer(request)))

    def answer(self, request: dict[str, Any]) -> dict[str, Any]:
        if request.get("module") != MODULE or request.get("method") != METHOD:
            return {"code": "500", "message": "module or method unknown"}
        if self.cancel:
            return {"code": "500", "message": "action.canceled"}
        _, _, data, attached = request["args"]
        signature = sign_cms(base64.b64decode(data), self.key)
        assert attached is False, "tekseru asks for a detached signature"
        return {"code": "200", "responseObject": base64.b64encode(signature).decode("ascii")}


@contextmanager
def running(key: SigningKey, port: int = 0) -> Iterator[StandIn]:
    """The stand-in listening on 127.0.0.1:`port` (0: any free port) until the block ends."""
    stand_in = StandIn(key)
    with serve(stand_in.handle, "127.0.0.1", port) as server:
        host, port = server.socket.getsockname()[:2]
        stand_in.url = f"ws://{host}:{port}"
        thread = threading.Thread(target=server.serve_forever, name="ncalayer-stand-in", daemon=True)
        thread.start()
        try:
            yield stand_in
        finally:
            server.shutdown()
            thread.join(timeout=10)
