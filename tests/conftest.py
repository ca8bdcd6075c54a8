"""Test-suite set-up: quiet TensorFlow, a fixed summary width, and no network.

Set-up (``make test`` -> ``make setup``) is the only step allowed to download.
Once tests start, every outgoing connection to anything but this machine is
refused by ``offline_guard`` before a packet leaves; ``tests/test_offline.py``
proves the guard is active.
"""

import os
import socket

import pytest
from offline_guard import guard_connect, guard_getaddrinfo

from course_utils._environment import LAYOUT_VARIABLES, quiet_tensorflow

quiet_tensorflow(os.environ)  # before anything imports TensorFlow; nbval's kernels inherit it
for _name in LAYOUT_VARIABLES:
    os.environ.pop(_name, None)


@pytest.fixture(autouse=True, scope="session")
def offline_guard():
    """Block non-local connections and DNS for the whole test session."""
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo
    socket.socket.connect = guard_connect(real_connect)
    socket.getaddrinfo = guard_getaddrinfo(real_getaddrinfo)
    yield
    socket.socket.connect, socket.getaddrinfo = real_connect, real_getaddrinfo
