"""Loopback ports for the servers that tests, benchmarks and the local stack start."""

import socket


def free_port():
    """A port nothing listens on right now (the caller binds it soon after)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
