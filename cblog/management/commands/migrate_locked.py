"""`migrate` under a MySQL advisory lock, so that of several instances booting together one migrates."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from cblog.locks import fleet_lock

LOCK_NAME = "cblog-migrate"


class Command(BaseCommand):
    help = (
        "Runs migrate while holding GET_LOCK('cblog-migrate') on MySQL: concurrent callers wait, "
        "then find nothing left to apply. Other databases just migrate."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--timeout", type=int, default=600, help="Seconds to wait for the lock (default 600)."
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args, timeout, database, interactive, verbosity, **options):
        migrate = {"database": database, "interactive": interactive, "verbosity": verbosity}
        with fleet_lock(connections[database], LOCK_NAME, timeout) as acquired:
            if not acquired:
                raise CommandError(
                    f"Another migration held the '{LOCK_NAME}' lock for {timeout} s."
                )
            call_command("migrate", **migrate)
