"""The network guard of the test suite: only loopback and UNIX sockets, no DNS.

``conftest.offline_guard`` installs it for the whole session; ``test_offline.py`` tests it.
"""

import ipaddress


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
