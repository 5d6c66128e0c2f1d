"""A dropped websocket does not take the dashboard server down (issue 15, "The dashboard server").

The attack: a raw websocket to the overview's kernel (``/api/kernels/<id>/channels``, no
subprotocol, so jupyter_server's legacy protocol), opened with the page's cookies and closed a
few seconds later, drove Voilà to 100 % CPU and +45–70 MB/s until the out-of-memory killer.
The cause: Voilà's handler read every binary message to the client (a widget state with
buffers: the overview's chart images) as the v1 protocol, taking the legacy header's 4-byte
big-endian count for an 8-byte little-endian one, and built a list of ~10^18 offsets.
:mod:`mentorkit.ui.kernel_socket` reads both protocols within the message's length.

The server test sends what the page sends (``comm_info_request``, then ``request_state`` to
every widget: the widgets' states come back, the charts as binary buffers) over legacy and v1
connections, drops them (closing or aborting), and leaves one client that never reads. The
server's resident memory is sampled throughout (psutil) and must stay within a bound of its
start; the server must still render a page; the kernel stays alive while a connection is
attached and is culled once none is.
"""

from __future__ import annotations

import json
import re
import socket
import struct
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
import websocket  # websocket-client (jupyter_server's dependency): raw, reads only when asked
from jupyter_server.services.kernels.connection.base import (
    deserialize_msg_from_ws_v1,
    serialize_binary_message,
    serialize_msg_to_ws_v1,
)
from test_ui_kernels import Client, kernel_alive, wait_for
from traitlets.config import Config

from conftest import PAGE_ERROR_TEXTS, ROOT, VoilaServer, copy_db, start_voila
from mentorkit.ui.kernel_buffer import MAX_BUFFERED_BYTES
from mentorkit.ui.kernel_socket import (
    HIDDEN_TYPES,
    MAX_UNSENT_BYTES,
    V1_PROTOCOL,
    DashboardKernelConnection,
    message_type,
)
from mentorkit.ui.serve import configure

CULL = 20                  # seconds without a connection before a kernel is culled, here
DROPPED = 6                # connections opened, used and dropped (legacy and v1, closed or cut)
# the server's RSS over its start, at most: one client's unread writes, one absent page's
# buffer, and what Python keeps of freed memory
MEMORY_BOUND = MAX_UNSENT_BYTES + MAX_BUFFERED_BYTES + 100 * 2**20
POOL = len(list((ROOT / "dashboards").glob("*.ipynb")))


def _pack(obj: Any) -> bytes:
    return json.dumps(obj).encode("utf-8")


def _message(msg_type: str, content: dict[str, Any], session: str,
             buffers: list[bytes] | None = None) -> dict[str, Any]:
    return {"header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": session,
                       "username": "attacker", "version": "5.4",
                       "date": "2026-11-23T00:00:00Z"},
            "parent_header": {}, "metadata": {}, "content": content,
            "buffers": buffers or []}


# ---------------------------------------------------------------- the cause, without a server

def test_the_legacy_binary_header_read_as_v1_is_a_list_of_10_to_the_17_offsets() -> None:
    """What Voilà's handler did with a legacy message carrying two buffers (as a chart's
    widget state does): the first 8 bytes as a little-endian count of offsets to build."""
    legacy = serialize_binary_message(_message("comm_msg", {"data": {"method": "update"}}, "s",
                                               buffers=[b"\x89PNG" * 1000]))
    assert int.from_bytes(legacy[:8], "little") > 10**17
    assert message_type(legacy, v1=False) == "comm_msg"


def test_message_type_reads_both_protocols_and_refuses_garbage_within_its_length() -> None:
    msg = _message("comm_msg", {"data": {}}, "s", buffers=[b"a" * 10, b"b" * 20])
    v1 = serialize_msg_to_ws_v1([_pack(msg["header"]), _pack({}), _pack({}), _pack({}),
                                 b"a" * 10], "iopub")
    assert message_type(v1, v1=True) == "comm_msg"
    assert message_type(serialize_binary_message(msg), v1=False) == "comm_msg"
    text = json.dumps({k: v for k, v in msg.items() if k != "buffers"})
    assert message_type(text, v1=False) == "comm_msg"
    assert message_type({"header": {"msg_type": "status"}}, v1=True) == "status"
    # the execute_input Voilà hides is read in every form (legacy text was never read before)
    code = _message("execute_input", {"code": "secret()"}, "s")
    assert message_type(json.dumps(code), v1=False) in HIDDEN_TYPES
    # counts and offsets that point past the message, truncated or garbage: None, at once
    huge = (2**62).to_bytes(8, "little") + b"\x00" * 64
    for bad in (b"", b"\x00" * 7, huge, b"\xff" * 4096, struct.pack("!II", 3, 10**9),
                serialize_binary_message(msg)[:30], v1[:40]):
        assert message_type(bad, v1=True) is None or message_type(bad, v1=False) is None
        assert message_type(bad, v1=True) in (None, "comm_msg")
        assert message_type(bad, v1=False) in (None, "comm_msg")
    assert message_type(huge, v1=True) is None and message_type(huge, v1=False) is None


def test_configure_serves_kernels_through_the_checked_connection() -> None:
    c = Config()
    configure(c, argv=[])
    assert c.Voila.kernel_websocket_connection_class == \
        "mentorkit.ui.kernel_socket.DashboardKernelConnection"
    assert c.VoilaConfiguration.multi_kernel_manager_class == \
        "mentorkit.ui.kernel_buffer.DashboardKernelManager"
    assert DashboardKernelConnection.__module__ == "mentorkit.ui.kernel_socket"


# ---------------------------------------------------------------- the attack on a server

@pytest.fixture(scope="module")
def socket_server(demo_db: Path, tmp_path_factory: pytest.TempPathFactory
                  ) -> Iterator[VoilaServer]:
    work = tmp_path_factory.mktemp("voila-websocket")
    server = start_voila(copy_db(demo_db, work / "served.db"), work,
                         extra_env={"MENTORKIT_KERNEL_CULL_SECONDS": str(CULL)},
                         wait_for_pools=POOL)
    yield server
    server.stop()


class Watch:
    """The server's resident memory, sampled; the server is stopped at the bound (so that a
    regression fails the test instead of filling the machine)."""

    def __init__(self, server: VoilaServer) -> None:
        self.server = server
        self.process = psutil.Process(server.process.pid)
        self.start = self.process.memory_info().rss
        self.peak = self.start

    def sample(self) -> int:
        rss = self.process.memory_info().rss
        self.peak = max(self.peak, rss)
        if rss > self.start + MEMORY_BOUND:
            self.server.stop()
            raise AssertionError(
                f"the server grew from {self.start / 2**20:.0f} MB to {rss / 2**20:.0f} MB "
                f"(bound +{MEMORY_BOUND / 2**20:.0f} MB): stopped")
        return rss

    def pause(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.sample()
            time.sleep(0.25)


class KernelSocket:
    """A raw websocket to a kernel, with the page's cookies; legacy protocol unless ``v1``."""

    def __init__(self, server: VoilaServer, client: Client, kernel_id: str, v1: bool = False,
                 small_receive_buffer: bool = False) -> None:
        self.v1 = v1
        self.session = uuid.uuid4().hex
        cookie = "; ".join(f"{c.name}={c.value}" for c in client.jar)
        url = f"{server.url.replace('http', 'ws', 1)}api/kernels/{kernel_id}/channels" \
              f"?session_id={self.session}"
        options = ((socket.SOL_SOCKET, socket.SO_RCVBUF, 4096),) if small_receive_buffer else ()
        self.ws = websocket.create_connection(
            url, header=[f"Cookie: {cookie}"], origin=server.url.rstrip("/"), timeout=30,
            subprotocols=[V1_PROTOCOL] if v1 else None, sockopt=options)
        assert (self.ws.getsubprotocol() == V1_PROTOCOL) is v1

    def send(self, msg_type: str, content: dict[str, Any]) -> None:
        msg = _message(msg_type, content, self.session)
        if self.v1:
            parts = [_pack(msg["header"]), _pack({}), _pack({}), _pack(content)]
            self.ws.send_binary(serialize_msg_to_ws_v1(parts, "shell"))
        else:
            self.ws.send(json.dumps({**msg, "channel": "shell"}))

    def receive(self, watch: Watch, seconds: float) -> list[tuple[str | None, Any]]:
        """(msg_type, content or None) of what arrives within ``seconds``."""
        got: list[tuple[str | None, Any]] = []
        self.ws.settimeout(0.25)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            watch.sample()
            try:
                data = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                continue
            got.append((message_type(data, v1=self.v1), self._content(data)))
        return got

    def _content(self, data: Any) -> Any:
        if self.v1:
            _, parts = deserialize_msg_from_ws_v1(data)
            return json.loads(parts[3])
        if isinstance(data, str):
            return json.loads(data)["content"]
        return None  # legacy binary: the type is enough here

    def comm_ids(self, watch: Watch) -> list[str]:
        """Ask, as the page does, for the kernel's widgets."""
        self.send("comm_info_request", {"target_name": "jupyter.widget"})
        for kind, content in self.receive(watch, 10):
            if kind == "comm_info_reply":
                return list(content["comms"])
        raise AssertionError("no comm_info_reply")

    def request_states(self, comms: list[str]) -> None:
        for comm in comms:
            self.send("comm_msg", {"comm_id": comm, "data": {"method": "request_state"}})

    def drop(self, abort: bool) -> None:
        if abort:  # the network went away: no close frame
            sock = self.ws.sock
            assert sock is not None
            sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        else:
            self.ws.close()


def rendered(client: Client, server: VoilaServer, app: str) -> str:
    """The page's kernel id, after a 200 with a rendered app and no error on it."""
    with client.opener.open(server.app_url(app), timeout=120) as r:
        assert r.status == 200
        html = r.read().decode("utf-8")
    assert "application/vnd.jupyter.widget-view+json" in html, "the app was not rendered"
    assert not [t for t in PAGE_ERROR_TEXTS if t in html]
    found = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', html)
    assert found
    return found.group(1)


def test_dropped_and_unread_websockets_leave_the_server_answering_within_its_memory(
        socket_server: VoilaServer) -> None:
    server = socket_server
    client = Client(server)
    rendered(client, server, "overview")               # warm the server's caches once
    kernel_id = rendered(client, server, "overview")
    watch = Watch(server)
    log_start = len(server.log_text())

    # what the page sends, over each protocol, then dropped: closed or cut
    binary_states = 0
    comms: list[str] = []
    for i in range(DROPPED):
        ws = KernelSocket(server, client, kernel_id, v1=i % 3 == 2)
        comms = ws.comm_ids(watch)
        ws.request_states(comms)
        got = ws.receive(watch, 3)
        binary_states += sum(1 for kind, content in got if kind == "comm_msg" and (
            content is None or content.get("data", {}).get("buffer_paths")))
        assert kernel_alive(server, kernel_id), "a kernel with a connection attached was culled"
        ws.drop(abort=i % 2 == 1)
    assert comms and binary_states, "no widget state with buffers came back: no attack"

    # one that never reads while the kernel sends it widget states until the server drops it
    reader = KernelSocket(server, client, kernel_id, small_receive_buffer=True)
    dropped_by_server = False
    rounds = 0
    while rounds < 400:
        rounds += 1
        try:
            reader.request_states(comms)
        except (OSError, websocket.WebSocketException):
            dropped_by_server = True
            break
        watch.pause(0.05)
        if "left more than" in server.log_text()[log_start:]:
            dropped_by_server = True
            break
    watch.pause(3)
    reader.drop(abort=True)

    # a client that asks for far more than the buffer holds and goes at once: the kernel's
    # answers for the absent page are buffered up to MAX_BUFFERED_BYTES, then discarded
    asker = KernelSocket(server, client, kernel_id)
    for _ in range(3 * rounds):
        asker.request_states(comms)
    asker.drop(abort=True)
    wait_for("the absent page's buffer discarded", lambda: watch.sample() > 0 and
             "discarded its buffer for an absent page" in server.log_text()[log_start:],
             seconds=240, poll=0.5)
    watch.pause(3)

    # the server answers: a page rendered, its memory within the bound of its start
    page_kernel = rendered(Client(server), server, "home")
    end_rss = watch.sample()
    log = server.log_text()[log_start:]
    print(f"server RSS {watch.start / 2**20:.0f} MB at the start, peak "
          f"{watch.peak / 2**20:.0f} MB, {end_rss / 2**20:.0f} MB after {DROPPED} dropped "
          f"connections ({binary_states} binary widget states) and one unread "
          f"({rounds} rounds of requests, dropped by the server: {dropped_by_server})")
    assert watch.peak <= watch.start + MEMORY_BOUND
    assert "Traceback" not in log and "never retrieved" not in log
    assert "[mentorkit.ui] ERROR" not in log, "an app failed to start"
    assert dropped_by_server and "closed a websocket that left more than 32 MB unread" in log, \
        f"the client that never reads was not dropped after {rounds} rounds"

    # no connection left: the kernel is culled as designed; the pool stays
    wait_for("the dropped connections' kernel culled", lambda: not kernel_alive(server, kernel_id),
             seconds=CULL + 60)
    wait_for("the unattached page's kernel culled", lambda: not kernel_alive(server, page_kernel),
             seconds=CULL + 60)
    assert f"Culling 'idle' kernel 'python3' ({kernel_id})" in server.log_text()
    assert rendered(Client(server), server, "overview")
