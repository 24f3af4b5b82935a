"""The stack's child processes: each in its own process group, logging to a file in the workdir."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def wait_for(check, what, timeout=60.0, errors=(OSError,)):
    """Polls check() until it is truthy; the errors a starting server raises count as not yet."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except errors:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{what} not ready after {timeout:.0f} s")


def http_ok(port, path="/healthz/"):
    with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
        sock.sendall(f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
        return sock.recv(64).split(b" ")[1] == b"200"


class Processes:
    """Starts and stops named processes; needs self.dir (the workdir) and self.procs."""

    def spawn(self, name, command, env=None):
        logfile = (self.dir / f"{name}.log").open("ab")
        # Own process group: Ctrl-C reaches only the stack's script, which stops the parts in order.
        self.procs[name] = subprocess.Popen(  # noqa: S603 - the stack's own commands
            [str(part) for part in command],
            cwd=ROOT,
            env=env,
            stdout=logfile,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        logfile.close()
        return self.procs[name]

    def terminate(self, name, sig=signal.SIGTERM):
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def signal_group(self, name, sig):
        """Sends sig to a running process and its children (SIGSTOP, SIGCONT: a frozen instance)."""
        os.killpg(self.procs[name].pid, sig)
