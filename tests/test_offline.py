"""The suite runs with the network cut off (set-up is the only step that downloads)."""

import socket

import pytest
from offline_guard import NetworkBlockedError, guard_connect, guard_getaddrinfo


def test_guard_is_installed_for_the_session():
    assert getattr(socket.socket.connect, "guarded", False)
    assert getattr(socket.getaddrinfo, "guarded", False)


def test_guard_refuses_remote_addresses_before_any_packet():
    calls = []
    connect = guard_connect(lambda sock, address: calls.append(address))
    for address in [("192.0.2.1", 443), ("pypi.org", 443), ("2001:db8::1", 80, 0, 0)]:
        with pytest.raises(NetworkBlockedError, match="must not use the network"):
            connect(None, address)
    assert calls == []  # the real connect was never reached


def test_guard_lets_loopback_and_unix_sockets_through():
    calls = []
    connect = guard_connect(lambda sock, address: calls.append(address))
    for address in [("127.0.0.1", 8888), ("::1", 8888, 0, 0), ("localhost", 1), "/tmp/kernel.sock"]:
        connect(None, address)
    assert len(calls) == 4


def test_dns_lookups_are_refused():
    lookups = []
    getaddrinfo = guard_getaddrinfo(lambda host, *a, **k: lookups.append(host))
    with pytest.raises(NetworkBlockedError, match="must not resolve"):
        getaddrinfo("files.pythonhosted.org", 443)
    getaddrinfo("127.0.0.1", 80)
    assert lookups == ["127.0.0.1"]
