"""`python -m scripts.stack [--private-db]` starts the stack; `… down` stops it."""

import argparse
import logging
import os
import shutil
import signal
import sys

from scripts.stack import __doc__ as description
from scripts.stack.indexer import drain_queue
from scripts.stack.processes import ROOT, wait_for
from scripts.stack.stack import Stack

WORKDIR = ROOT / ".stack"
PIDFILE = WORKDIR / "stack.pid"


def up(private_db):
    if PIDFILE.exists():
        sys.exit(f"a stack is already running (pid {PIDFILE.read_text()}): make stack-down")
    shutil.rmtree(WORKDIR, ignore_errors=True)
    stack = Stack(WORKDIR, private_db=private_db)
    stack.mailbox.echo = True
    # SIGTERM (make stack-down) stops the stack like Ctrl-C does.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        stack.start()
        PIDFILE.write_text(str(os.getpid()))
        print(f"cblog stack up: open {stack.url}/  (Ctrl-C or `make stack-down` to stop)")
        print(f"  instances {stack.app_ports}, moto {stack.moto_url}, Redis {stack.redis_url}")
        print(f"  logs in {WORKDIR}/")
        print(
            f"  an admin: DJANGO_DEBUG=1 DB_HOST=127.0.0.1 DB_PORT={stack.db_port} DB_USER=root"
            f" DB_NAME={stack.db_name} {sys.executable} manage.py createsuperuser"
        )
        while True:
            signal.pause()
    except KeyboardInterrupt:
        print("stopping the stack")
    finally:
        stack.stop()
        PIDFILE.unlink(missing_ok=True)


def down():
    if not PIDFILE.exists():
        print("no stack is running")
        return
    os.kill(int(PIDFILE.read_text()), signal.SIGTERM)
    wait_for(lambda: not PIDFILE.exists(), "stack shutdown")


def main():
    parser = argparse.ArgumentParser(description=description.splitlines()[0])
    parser.add_argument("action", nargs="?", default="up", choices=["up", "down", "indexer"])
    parser.add_argument("queue_url", nargs="?")
    parser.add_argument("--private-db", action="store_true", help="start a private mariadbd")
    args = parser.parse_args()
    if args.action == "indexer":
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
        drain_queue(args.queue_url)
    elif args.action == "down":
        down()
    else:
        up(args.private_db)


if __name__ == "__main__":
    main()
