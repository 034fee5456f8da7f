"""The kernel manager the build's papermill runs use.

Pages run in parallel. Over TCP each kernel picks "free" ports by probing, so two kernels started at the same
moment can pick the same port and one dies with "ZMQError: Address already in use" ("Kernel died before
replying to kernel_info"): a healthy page reported as failed. Over Unix sockets in a directory of its own, a
kernel's addresses cannot be taken by another kernel, and no socket file lands in the book."""
from __future__ import annotations

import contextlib
import os
import tempfile

from jupyter_client import AsyncKernelManager
from traitlets import default


@contextlib.contextmanager
def private_kernel_manager():
    """A kernel manager class whose kernels listen on Unix sockets in a fresh directory, removed afterwards.
    Where Unix sockets are unavailable (Windows), jupyter_client's own default (TCP) is kept."""
    if os.name == "nt":
        yield AsyncKernelManager
        return
    # a short path: a Unix socket address is limited to about 100 bytes, and pytest's tmp paths are long
    with tempfile.TemporaryDirectory(prefix="planeval-kernel-") as directory:
        class PrivateSocketKernelManager(AsyncKernelManager):
            @default("transport")
            def _default_transport(self):
                return "ipc"

            @default("ip")
            def _default_ip(self):
                return os.path.join(directory, "kernel")

        yield PrivateSocketKernelManager
