"""The whole stack, started in dependency order and stopped in reverse."""

import secrets
import sys
from pathlib import Path

from scripts.ports import free_port
from scripts.stack.apps import Apps
from scripts.stack.aws import Moto
from scripts.stack.balancer import Balancer
from scripts.stack.database import MariaDB
from scripts.stack.mail import Mail, Mailbox
from scripts.stack.processes import Processes
from scripts.stack.redis import Redis


class Stack(Processes, MariaDB, Redis, Moto, Mail, Apps, Balancer):
    def __init__(self, workdir, *, private_db=False, db_name=None, instances=2):
        self.dir = Path(workdir).resolve()
        self.private_db = private_db
        # A database of its own on the shared server, so that parallel stacks never collide.
        self.db_name = db_name or f"cblog_stack_{secrets.token_hex(4)}"
        self.instances = [f"app{n}" for n in range(1, instances + 1)]
        self.procs = {}
        self.db_port = free_port() if private_db else 3306
        self.moto_port, self.s3_port, self.web_port = free_port(), free_port(), free_port()
        self.app_ports = {name: free_port() for name in self.instances}
        self.redis_port = free_port()
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.url = f"http://127.0.0.1:{self.web_port}"
        self.moto_url = f"http://127.0.0.1:{self.moto_port}"
        self.mailbox = Mailbox()
        self.smtp = None
        self.migrate_outputs = []

    def start(self):
        self.dir.mkdir(parents=True, exist_ok=True)
        try:
            self.start_db()
            self.start_redis()
            self.create_database()
            self.start_moto()
            self.start_smtp()
            self.env = self.app_env()
            self.migrate()
            for name in self.instances:
                self.spawn_app(name)
            for name in self.instances:
                self.wait_for_app(name)
            self.start_haproxy()
            self.start_worker()
            indexer = [sys.executable, "-m", "scripts.stack", "indexer", self.queue_url]
            self.spawn("indexer", indexer, self.env)
            self.wait_until_balanced()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        for name in ["haproxy", "worker", *self.instances, "indexer", "moto", "redis"]:
            self.terminate(name)
        self.stop_smtp()
        if not self.private_db:
            self.drop_database()
        self.terminate("mariadb")

    def restore(self):
        """Brings back whatever a fault test took down: database, instances, S3 endpoint."""
        if self.private_db and "mariadb" not in self.procs:
            self.start_db()
        for name in self.instances:
            if name not in self.procs:
                self.start_app(name)
        self.s3_up()
        self.wait_until_balanced()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
