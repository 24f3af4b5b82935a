"""The app instances: gunicorn with production settings, migrating as they boot."""

import os
import secrets
import signal
import subprocess
import sys

from scripts.stack.aws import AWS_KEYS, BUCKET, REGION, TABLE
from scripts.stack.processes import BIN, ROOT, http_ok, wait_for


class Apps:
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
            # The cache, page cache and throttle counters, shared by both instances.
            "REDIS_URL": self.redis_url,
            # HAProxy is the one proxy in front of them.
            "TRUSTED_PROXY_HOPS": "1",
            # Walks and load tests repeat actions from one address far beyond real users' limits.
            "THROTTLES_ENABLED": "false",
            # Background jobs on that Redis too (JOBS_BROKER_URL defaults to REDIS_URL), in a
            # queue of this stack's own; mail links name the balancer, as SITE_DOMAIN does in AWS.
            "JOBS_QUEUE": f"{self.db_name}-jobs",
            "SITE_DOMAIN": f"127.0.0.1:{self.web_port}",
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
        return subprocess.run(  # noqa: S603 - manage.py with the caller's arguments
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
        self.spawn_app(name)
        self.wait_for_app(name)

    def spawn_app(self, name):
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{self.app_ports[name]}"}
        command = [BIN / "gunicorn", "--config", "deploy/gunicorn.conf.py", "cblog.wsgi"]
        self.spawn(name, command, env)

    def wait_for_app(self, name):
        wait_for(lambda: http_ok(self.app_ports[name]), name)

    def reconfigure(self, **env):
        """Restarts every instance with these variables changed, like a deploy of new settings."""
        self.env = {**self.env, **env}
        for name in self.instances:
            self.terminate(name)
            self.spawn_app(name)
        for name in self.instances:
            self.wait_for_app(name)
        self.wait_until_balanced()

    def start_worker(self):
        """The job worker beside the instances, as its systemd unit runs it on EC2."""
        command = [
            BIN / "celery",
            "--app",
            "cblog",
            "worker",
            "--concurrency",
            "2",
            "--loglevel",
            "INFO",
        ]
        self.spawn("worker", command, self.env)

    def kill_app(self, name):
        """SIGKILL to the gunicorn master and its workers, like an instance that dies."""
        self.terminate(name, signal.SIGKILL)
