"""The production topology on loopback ports, for trying the site and for the stack tests.

MariaDB (the shared server on 3306 with a fresh database, or a private server), moto as S3 + SQS
+ DynamoDB, an SMTP sink, two gunicorn instances with production settings behind HAProxy (health
checks on /healthz/ like the ALB), and the indexer draining the bucket's SQS queue into
lambda_indexer.handler like the Lambda trigger.

    python scripts/stack.py [--private-db]   # start, print the URL, stop on Ctrl-C
    python scripts/stack.py down             # stop the one started above (pid in .stack/)
"""

# ruff: noqa: S603 - every command is one of this file's own, with arguments it builds
import argparse
import contextlib
import csv
import email
import email.policy
import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import MySQLdb

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HAPROXY = "/usr/sbin/haproxy"
REGION = "us-east-1"
AWS_KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
BUCKET = "cblog-stack-media"
QUEUE = "cblog-stack-media-events"
TABLE = "cblog-stack-media-index"

HAPROXY_CFG = """\
global
    stats socket {dir}/haproxy.sock mode 600 level admin
    log stdout format raw local0

defaults
    mode http
    log global
    option httplog
    option forwardfor
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    timeout http-request 10s
    # A connection refused by a dead instance is retried on the other one; the request never ran.
    retries 2
    option redispatch 1
    retry-on conn-failure empty-response

frontend web
    bind 127.0.0.1:{web_port}
    default_backend app

backend app
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz/
    http-check expect status 200
    default-server inter 500ms fall 2 rise 2
    # Only GET/HEAD are replayed after being sent: a replayed POST could create a post twice.
    http-request disable-l7-retry unless METH_GET || METH_HEAD
    http-response set-header X-Served-By %s
{servers}

# The apps reach S3 through here, so a test can take the endpoint down and bring it back.
frontend s3
    bind 127.0.0.1:{s3_port}
    default_backend moto

backend moto
    server moto 127.0.0.1:{moto_port}
"""

log = logging.getLogger("stack")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check, what, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (OSError, MySQLdb.Error):
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{what} not ready after {timeout:.0f} s")


def http_ok(port, path="/healthz/"):
    with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
        sock.sendall(f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
        return sock.recv(64).split(b" ")[1] == b"200"


class Mailbox:
    """aiosmtpd handler that keeps every message (the password-reset test reads them)."""

    def __init__(self, echo=False):
        self.messages = []
        self.echo = echo

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        if self.echo:
            print(f"--- mail to {message['To']}: {message['Subject']}\n{message.get_content()}")
        return "250 OK"


class Stack:
    def __init__(self, workdir, *, private_db=False, db_name="cblog_stack", instances=2):
        self.dir = Path(workdir).resolve()
        self.private_db = private_db
        self.db_name = db_name
        self.instances = [f"app{n}" for n in range(1, instances + 1)]
        self.procs = {}
        self.db_port = free_port() if private_db else 3306
        self.moto_port, self.s3_port, self.web_port = free_port(), free_port(), free_port()
        self.app_ports = {name: free_port() for name in self.instances}
        self.url = f"http://127.0.0.1:{self.web_port}"
        self.moto_url = f"http://127.0.0.1:{self.moto_port}"
        self.mailbox = Mailbox()
        self.smtp = None
        self.migrate_outputs = []

    # Lifecycle

    def start(self):
        self.dir.mkdir(parents=True, exist_ok=True)
        try:
            self.start_db()
            subprocess.run([ROOT / "scripts" / "start-redis"], check=True)
            self.create_database()
            self.start_moto()
            self.start_smtp()
            self.env = self.app_env()
            self.migrate()
            for name in self.instances:
                self.start_app(name)
            self.start_haproxy()
            self.spawn("indexer", [sys.executable, __file__, "indexer", self.queue_url], self.env)
            self.wait_until_balanced()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        for name in ["haproxy", *self.instances, "indexer", "moto"]:
            self.terminate(name)
        if self.smtp:
            self.smtp.stop()
            self.smtp = None
        if not self.private_db:
            with contextlib.suppress(MySQLdb.Error):  # the server is already gone
                self.sql(f"DROP DATABASE IF EXISTS `{self.db_name}`", database="")
        self.terminate("mariadb")

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # Processes

    def spawn(self, name, command, env=None):
        logfile = (self.dir / f"{name}.log").open("ab")
        # Own process group: Ctrl-C reaches only this script, which stops the parts in order.
        self.procs[name] = subprocess.Popen(
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

    # MariaDB

    def start_db(self):
        if not self.private_db:
            subprocess.run([ROOT / "scripts" / "start-mariadb"], check=True)
            return
        datadir = self.dir / "mariadb"
        if not datadir.exists():
            subprocess.run(
                ["/usr/bin/mariadb-install-db", "--no-defaults", f"--datadir={datadir}", "--user=root",
                 "--auth-root-authentication-method=normal", "--skip-test-db"],
                check=True, capture_output=True,
            )  # fmt: skip
        self.spawn(
            "mariadb",
            ["/usr/sbin/mariadbd", "--no-defaults", f"--datadir={datadir}", "--user=root",
             f"--socket={self.dir / 'mariadb.sock'}", f"--port={self.db_port}",
             "--bind-address=127.0.0.1", "--skip-log-bin", "--innodb-buffer-pool-size=64M"],
        )  # fmt: skip
        wait_for(lambda: self.sql("SELECT 1", database=""), "private MariaDB")

    def stop_db(self):
        """Stops the private server (fault tests); the shared one is never touched."""
        assert self.private_db, "only a private database may be stopped"
        self.terminate("mariadb")

    def sql(self, statement, params=(), *, database=None):
        """Runs one statement in the stack's database ("" for none); returns the rows."""
        database = self.db_name if database is None else database
        connection = MySQLdb.connect(
            host="127.0.0.1",
            port=self.db_port,
            user="root",
            **({"database": database} if database else {}),
            charset="utf8mb4",
            connect_timeout=2,
            autocommit=True,
        )
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement, params or None)
                return cursor.fetchall()
        finally:
            connection.close()

    def create_database(self):
        self.sql(f"DROP DATABASE IF EXISTS `{self.db_name}`", database="")
        self.sql(
            f"CREATE DATABASE `{self.db_name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
            database="",
        )

    # moto: S3 bucket notifying an SQS queue, the index table

    def client(self, service):
        return boto3.client(service, region_name=REGION, endpoint_url=self.moto_url, **AWS_KEYS)

    def start_moto(self):
        self.spawn("moto", [BIN / "moto_server", "-H", "127.0.0.1", "-p", self.moto_port])
        wait_for(lambda: socket.create_connection(("127.0.0.1", self.moto_port), 1), "moto")
        s3, sqs, dynamodb = self.client("s3"), self.client("sqs"), self.client("dynamodb")
        s3.create_bucket(Bucket=BUCKET)
        self.queue_url = sqs.create_queue(QueueName=QUEUE)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])
        s3.put_bucket_notification_configuration(
            Bucket=BUCKET,
            NotificationConfiguration={
                "QueueConfigurations": [
                    {
                        "QueueArn": arn["Attributes"]["QueueArn"],
                        "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"],
                        "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "media/"}]}},
                    }
                ]
            },
        )
        dynamodb.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )

    def start_smtp(self):
        from aiosmtpd.controller import Controller

        self.smtp = Controller(self.mailbox, hostname="127.0.0.1", port=free_port())
        self.smtp.start()

    # The app

    def app_env(self):
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cblog.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain HTTP between browser and balancer here; everything else as in production.
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_SECURE_COOKIES": "false",
            "DB_HOST": "127.0.0.1",
            "DB_PORT": str(self.db_port),
            "DB_NAME": self.db_name,
            "DB_USER": "root",
            "DB_PASSWORD": "",
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{self.s3_port}",
            "AWS_S3_REGION_NAME": REGION,
            "AWS_S3_CUSTOM_DOMAIN": "",
            "AWS_ACCESS_KEY_ID": AWS_KEYS["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": AWS_KEYS["aws_secret_access_key"],
            "AWS_DEFAULT_REGION": REGION,
            # The cache shared by both instances; HAProxy is the one proxy in front of them.
            "REDIS_URL": "redis://127.0.0.1:6379/6",
            "TRUSTED_PROXY_HOPS": "1",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.smtp.port),
            "EMAIL_USE_TLS": "false",
            "STATIC_ROOT": str(self.dir / "static"),
            "GUNICORN_WORKERS": "2",
            "GUNICORN_THREADS": "4",
            "PYTHONUNBUFFERED": "1",
            # For the indexer: its handler and its queue talk to moto directly.
            "TABLE_NAME": TABLE,
            "AWS_ENDPOINT_URL": self.moto_url,
        }

    def manage(self, *args, **env):
        """Runs a management command against the stack, as its instances are configured."""
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **env},
            check=True,
            capture_output=True,
            text=True,
        )

    def migrate(self):
        # Every instance migrates as it boots, like EC2 user-data; the lock lets one apply.
        runs = [
            subprocess.Popen(
                [sys.executable, "manage.py", "migrate_locked", "--noinput"],
                cwd=ROOT,
                env=self.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for _ in self.instances
        ]
        self.migrate_outputs = [run.communicate(timeout=300)[0] for run in runs]
        for name, run, output in zip(self.instances, runs, self.migrate_outputs, strict=True):
            (self.dir / f"{name}-migrate.log").write_text(output)
            if run.returncode:
                raise RuntimeError(f"{name}: migrate_locked failed:\n{output}")
        self.manage("collectstatic", "--noinput", "--verbosity", "0")

    def start_app(self, name):
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{self.app_ports[name]}"}
        command = [BIN / "gunicorn", "--config", "deploy/gunicorn.conf.py", "cblog.wsgi"]
        self.spawn(name, command, env)
        wait_for(lambda: http_ok(self.app_ports[name]), name)

    def kill_app(self, name):
        """SIGKILL to the gunicorn master and its workers, like an instance that dies."""
        self.terminate(name, signal.SIGKILL)

    # HAProxy

    def start_haproxy(self):
        servers = "\n".join(
            f"    server {name} 127.0.0.1:{port} check" for name, port in self.app_ports.items()
        )
        config = self.dir / "haproxy.cfg"
        config.write_text(
            HAPROXY_CFG.format(
                dir=self.dir,
                web_port=self.web_port,
                s3_port=self.s3_port,
                moto_port=self.moto_port,
                servers=servers,
            )
        )
        self.spawn("haproxy", [HAPROXY, "-db", "-f", config])
        wait_for(lambda: (self.dir / "haproxy.sock").exists(), "HAProxy")

    def haproxy(self, command):
        """One command on HAProxy's runtime API; returns its answer."""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(self.dir / "haproxy.sock"))
            sock.sendall(command.encode() + b"\n")
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def server_states(self):
        """{'app1': 'UP', 'app2': 'DOWN', …} as the balancer's health checks see them."""
        rows = csv.DictReader(self.haproxy("show stat").lstrip("# ").splitlines())
        return {row["svname"]: row["status"] for row in rows if row["pxname"] == "app"}

    def wait_until_balanced(self, timeout=30):
        wait_for(
            lambda: all(state == "UP" for state in self.server_states().values()),
            "all instances UP in HAProxy",
            timeout,
        )

    def restore(self):
        """Brings back whatever a fault test took down: database, instances, S3 endpoint."""
        if self.private_db and "mariadb" not in self.procs:
            self.start_db()
        for name in self.instances:
            if name not in self.procs:
                self.start_app(name)
        self.s3_up()
        self.wait_until_balanced()

    def s3_down(self):
        # New connections are refused; requests on kept-alive ones get a 503 from the balancer.
        self.haproxy("disable frontend s3")
        self.haproxy("set server moto/moto state maint")

    def s3_up(self):
        self.haproxy("set server moto/moto state ready")
        self.haproxy("enable frontend s3")


def drain_queue(queue_url):
    """The SQS → Lambda trigger: batches of up to 10, failed messages stay for a retry."""
    from lambda_indexer.handler import lambda_handler

    sqs = boto3.client("sqs")
    while True:
        try:
            messages = sqs.receive_message(
                QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1
            ).get("Messages", [])
            if not messages:
                continue
            event = {
                "Records": [
                    {"messageId": m["MessageId"], "body": m["Body"], "eventSource": "aws:sqs"}
                    for m in messages
                ]
            }
            failed = {f["itemIdentifier"] for f in lambda_handler(event, None)["batchItemFailures"]}
            done = [m for m in messages if m["MessageId"] not in failed]
            if done:
                sqs.delete_message_batch(
                    QueueUrl=queue_url,
                    Entries=[
                        {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]}
                        for n, m in enumerate(done)
                    ],
                )
        except Exception:
            log.exception("indexer loop")
            time.sleep(1)


def up(private_db):
    workdir = ROOT / ".stack"
    pidfile = workdir / "stack.pid"
    if pidfile.exists():
        sys.exit(f"a stack is already running (pid {pidfile.read_text()}): make stack-down")
    shutil.rmtree(workdir, ignore_errors=True)
    stack = Stack(workdir, private_db=private_db)
    stack.mailbox.echo = True
    # SIGTERM (make stack-down) stops the stack like Ctrl-C does.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        stack.start()
        pidfile.write_text(str(os.getpid()))
        print(f"cblog stack up: open {stack.url}/  (Ctrl-C or `make stack-down` to stop)")
        print(f"  instances {stack.app_ports}, moto {stack.moto_url}, logs in {workdir}/")
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
        pidfile.unlink(missing_ok=True)


def down():
    pidfile = ROOT / ".stack" / "stack.pid"
    if not pidfile.exists():
        print("no stack is running")
        return
    pid = int(pidfile.read_text())
    os.kill(pid, signal.SIGTERM)
    wait_for(lambda: not pidfile.exists(), "stack shutdown")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", nargs="?", default="up", choices=["up", "down", "indexer"])
    parser.add_argument("queue_url", nargs="?")
    parser.add_argument("--private-db", action="store_true", help="start a private mariadbd")
    args = parser.parse_args()
    if args.action == "indexer":
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s %(message)s")
        sys.path.insert(0, str(ROOT))
        drain_queue(args.queue_url)
    elif args.action == "down":
        down()
    else:
        up(args.private_db)


if __name__ == "__main__":
    main()
