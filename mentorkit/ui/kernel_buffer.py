"""The dashboards' kernel manager: what a kernel sends while its page is away is kept for the
page's return, up to :data:`MAX_BUFFERED_BYTES`.

Why: when a page's websocket goes (a lost network, a tab put to sleep, a raw websocket
dropped), jupyter_server keeps every message the kernel sends in a list until the same session
reconnects or the kernel is shut down, with no limit ("TODO: the buffer should likely be a
memory bounded queue", ``MappingKernelManager.start_buffering``). A client that asks for a
thousand widget states and drops its connection leaves the kernel answering into that list
for minutes, until the cull. :class:`DashboardKernelManager` keeps the replay (a page that
comes back within seconds still gets what it missed) but counts the bytes: past the limit the
buffer is discarded and a warning logged; a page that returns after that reconnects without a
replay and is reloaded by its coordinator if it looks stale.

Set by :func:`mentorkit.ui.serve.configure` as ``VoilaConfiguration.multi_kernel_manager_class``
(Voilà adds its pre-heated pool on top).

Example
-------
>>> issubclass(DashboardKernelManager, AsyncMappingKernelManager)
True
"""

from __future__ import annotations

from functools import partial
from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.ioloop import IOLoop

__all__ = ["DashboardKernelManager", "MAX_BUFFERED_BYTES"]

MAX_BUFFERED_BYTES = 32 * 2**20  # per kernel; a page's missed output is far less


class DashboardKernelManager(AsyncMappingKernelManager):
    """jupyter_server's kernel manager with a bounded buffer for a page that went away."""

    def start_buffering(self, kernel_id: str, session_key: str, channels: dict[str, Any]
                        ) -> None:
        """Buffer as jupyter_server does, counting bytes; discard past the limit."""
        super().start_buffering(kernel_id, session_key, channels)
        if not self.buffer_offline_messages:
            return
        info = self._kernel_buffers[kernel_id]
        held = {"bytes": 0, "over": False}

        def buffer_msg(channel: str, parts: list[Any]) -> None:
            if held["over"] or self._kernel_buffers.get(kernel_id) is not info:
                return
            held["bytes"] += sum(len(p) for p in parts)
            if held["bytes"] > MAX_BUFFERED_BYTES:
                held["over"] = True
                self.log.warning("kernel %s: discarded its buffer for an absent page after "
                                 "%d MB", kernel_id, MAX_BUFFERED_BYTES // 2**20)
                IOLoop.current().add_callback(self._discard, kernel_id, info)
                return
            info["buffer"].append((channel, parts))

        for channel, stream in channels.items():
            stream.on_recv(partial(buffer_msg, channel))

    def _discard(self, kernel_id: str, info: dict[str, Any]) -> None:
        if kernel_id in self and self._kernel_buffers.get(kernel_id) is info:
            self.stop_buffering(kernel_id)
