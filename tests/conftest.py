"""Test-suite set-up: quiet TensorFlow, a fixed summary width, and no network.

Set-up (``make test`` -> ``make setup``) is the only step allowed to download.
Once tests start, every outgoing connection to anything but this machine is
refused by ``offline_guard`` before a packet leaves; ``tests/test_offline.py``
proves the guard is active.
"""

import ipaddress
import os
import socket

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
for _name in ("COLUMNS", "LINES", "NO_COLOR"):
    os.environ.pop(_name, None)


class NetworkBlockedError(RuntimeError):
    """Raised when a test tries to reach the network."""


def _is_local(address):
    if isinstance(address, (str, bytes)):  # AF_UNIX path
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name other than localhost: would need DNS


def guard_connect(real_connect):
    """Wrap ``socket.connect`` so that only loopback and UNIX sockets get through."""

    def connect(sock, address):
        if not _is_local(address):
            raise NetworkBlockedError(
                f"tests must not use the network (tried to connect to {address!r}); "
                "data is fetched once by `make setup`, read it from the local cache instead."
            )
        return real_connect(sock, address)

    connect.guarded = True
    return connect


def guard_getaddrinfo(real_getaddrinfo):
    """Wrap ``socket.getaddrinfo`` so that no DNS query leaves the machine."""

    def getaddrinfo(host, *args, **kwargs):
        if host not in (None, "localhost") and not _is_local((host,)):
            raise NetworkBlockedError(f"tests must not resolve host names (asked for {host!r}).")
        return real_getaddrinfo(host, *args, **kwargs)

    getaddrinfo.guarded = True
    return getaddrinfo


@pytest.fixture(autouse=True, scope="session")
def offline_guard():
    """Block non-local connections and DNS for the whole test session."""
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo
    socket.socket.connect = guard_connect(real_connect)
    socket.getaddrinfo = guard_getaddrinfo(real_getaddrinfo)
    yield
    socket.socket.connect, socket.getaddrinfo = real_connect, real_getaddrinfo
