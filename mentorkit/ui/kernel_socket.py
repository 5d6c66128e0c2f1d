"""The kernel websocket of the dashboards' Voilà: every message to a page is read safely, code is
never shown, and a client that does not read its messages is dropped before it costs memory.

Why: Voilà's websocket handler (``voila.tornado.kernel_websocket_handler``) hides the cells'
code from the page by reading each outgoing message's type, and reads every binary message as
the ``v1.kernel.websocket.jupyter.org`` protocol does (a count of 8-byte little-endian offsets
first). A client that asks for no subprotocol (any raw websocket: ``websocket-client``,
``curl``, an old frontend) gets jupyter_server's legacy protocol, whose binary messages (every
message with buffers, such as the overview's chart images) start with a 4-byte big-endian count
instead. Read the other way, two buffers' ``00 00 00 02 00 00 00 0c`` become a count of
864,691,128,489,574,400 offsets, and Voilà builds that list: the server's one thread spins at
100 % CPU, grows by 45–70 MB a second until the out-of-memory killer ends it, and answers no
page meanwhile. The legacy protocol's text messages were not read at all, so that client also
saw ``execute_input`` (the code) that the page must not see.

:class:`DashboardKernelConnection` (set by :func:`mentorkit.ui.serve.configure` as
``Voila.kernel_websocket_connection_class``) replaces the writing step: :func:`message_type`
reads the header of both protocols' messages within the message's own length, ``execute_input``
and any message whose type cannot be read are not sent, and the rest goes to tornado's own
``write_message``. A client that leaves more than :data:`MAX_UNSENT_BYTES` unread is
disconnected (its kernel then buffers for a reconnect, as for any dropped page, and is culled
when no page comes back).

Example
-------
>>> import json
>>> message_type(json.dumps({"header": {"msg_type": "status"}}), v1=False)
'status'
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable
from typing import Any

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from tornado.iostream import StreamBufferFullError
from tornado.websocket import WebSocketHandler

__all__ = ["DashboardKernelConnection", "message_type", "MAX_UNSENT_BYTES", "HIDDEN_TYPES",
           "V1_PROTOCOL"]

V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"
MAX_UNSENT_BYTES = 32 * 2**20  # a page reads at once; 32 MB is hundreds of chart images
HIDDEN_TYPES = frozenset({"execute_input"})  # the cells' code: sources are stripped


def _json_header(part: bytes) -> dict[str, Any] | None:
    try:
        found = json.loads(part)
    except (ValueError, UnicodeDecodeError):
        return None
    return found if isinstance(found, dict) else None


def _v1_header(message: bytes) -> dict[str, Any] | None:
    """The header of a v1 binary message: offsets count, offsets (8-byte little-endian),
    channel, header, parent header, metadata, content, buffers."""
    if len(message) < 8:
        return None
    count = int.from_bytes(message[:8], "little")
    if count < 3 or 8 * (count + 1) > len(message):  # the offsets must fit in the message
        return None
    start, end = (int.from_bytes(message[8 * (i + 1):8 * (i + 2)], "little") for i in (1, 2))
    if not 8 * (count + 1) <= start <= end <= len(message):
        return None
    return _json_header(message[start:end])


def _legacy_header(message: bytes) -> dict[str, Any] | None:
    """The header of a legacy binary message: parts count and offsets (4-byte big-endian),
    then the message as JSON without its buffers, then the buffers."""
    if len(message) < 8:
        return None
    (count,) = struct.unpack("!I", message[:4])
    if count < 1 or 4 * (count + 1) > len(message):
        return None
    first = struct.unpack("!I", message[4:8])[0]
    end = struct.unpack("!I", message[8:12])[0] if count > 1 and len(message) >= 12 \
        else len(message)
    if not 4 * (count + 1) <= first <= end <= len(message):
        return None
    whole = _json_header(message[first:end])
    header = whole.get("header") if whole else None
    return header if isinstance(header, dict) else None


def message_type(message: bytes | str | dict[str, Any], v1: bool) -> str | None:
    """The ``msg_type`` of a message on its way to a page, or None when it cannot be read.

    ``v1`` says whether the client speaks ``v1.kernel.websocket.jupyter.org`` (Voilà's pages
    do) or the legacy protocol (a client that asked for no subprotocol). Reads only within the
    message's length: a malformed message costs at most one pass over it.

    Example
    -------
    >>> from jupyter_server.services.kernels.connection.base import serialize_binary_message
    >>> msg = {"header": {"msg_type": "comm_msg"}, "parent_header": {}, "metadata": {},
    ...        "content": {}, "buffers": [b"png", b"more"]}
    >>> message_type(serialize_binary_message(msg), v1=False)
    'comm_msg'
    >>> message_type(b"\\xff" * 64, v1=True) is None
    True
    """
    header: Any
    if isinstance(message, dict):
        header = message.get("header")
    elif isinstance(message, str):
        whole = _json_header(message.encode("utf-8"))
        header = whole.get("header") if whole else None
    elif v1:
        header = _v1_header(bytes(message))
    else:
        header = _legacy_header(bytes(message))
    kind = header.get("msg_type") if isinstance(header, dict) else None
    return kind if isinstance(kind, str) else None


class DashboardKernelConnection(ZMQChannelsWebsocketConnection):
    """jupyter_server's kernel websocket connection, writing through :meth:`send_checked`."""

    @property
    def write_message(self) -> Callable[..., Any]:
        """What jupyter_server calls to send a message to the page."""
        return self.send_checked

    def send_checked(self, message: bytes | str | dict[str, Any], binary: bool = False) -> Any:
        """Send ``message`` unless it shows code or cannot be read; drop a client that does
        not read (more than :data:`MAX_UNSENT_BYTES` waiting)."""
        handler = self.websocket_handler
        kind = message_type(message, v1=self.subprotocol == V1_PROTOCOL)
        if kind is None:
            self.log.warning("kernel %s: a message to a page whose type cannot be read was "
                             "not sent", self.kernel_id)
            return None
        if kind in HIDDEN_TYPES:
            return None
        ws = handler.ws_connection
        stream = getattr(ws, "stream", None)
        if stream is not None:
            stream.max_write_buffer_size = MAX_UNSENT_BYTES
        try:
            sent = WebSocketHandler.write_message(handler, message, binary=binary)
        except StreamBufferFullError:
            self.log.warning("kernel %s: closed a websocket that left more than %d MB unread",
                             self.kernel_id, MAX_UNSENT_BYTES // 2**20)
            if stream is not None:
                stream.close()  # frees what it left unread; on_close then disconnects as usual
            return None
        # a write still waiting when the client goes fails with WebSocketClosedError: that is
        # the client's leaving, not an error to log as "Task exception was never retrieved"
        sent.add_done_callback(_retrieve)
        return sent


def _retrieve(future: Any) -> None:
    if not future.cancelled():
        future.exception()
