"""gunicorn with deploy/gunicorn.conf.py on a free loopback port, as production runs it."""

import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from scripts.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def wait_until_up(url: str, process: subprocess.Popen, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=5).close()  # noqa: S310 (loopback)
            return
        except OSError:  # not listening yet, or still booting
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer in {seconds} s")


@contextmanager
def gunicorn(app: str, *, env: dict, probe="/", log: Path):
    """Yields the base URL of `app` served by gunicorn; stops it afterwards."""
    port = free_port()
    with log.open("ab") as errors:
        process = subprocess.Popen(
            [
                str(GUNICORN),
                "-c",
                "deploy/gunicorn.conf.py",
                "--access-logfile",
                "/dev/null",
                "--log-level",
                "warning",
                app,
            ],
            cwd=ROOT,
            env={**os.environ, **env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + probe, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
