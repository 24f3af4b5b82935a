"""`clearsessions` on one instance of the fleet: every instance's timer fires, one of them purges."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from cblog.locks import fleet_lock, job_lock_name


def lock_name():
    return job_lock_name("clearsessions")  # the lock `fleet_once clearsessions` takes


class Command(BaseCommand):
    help = (
        "Deletes expired sessions while holding GET_LOCK('cblog-clearsessions:<database>') on "
        "MySQL; an instance that finds the lock taken leaves the purge to its holder."
    )

    def handle(self, *args, verbosity, **options):
        with fleet_lock(connection, lock_name(), timeout=0) as acquired:
            if not acquired:
                self.stdout.write("Another instance is purging expired sessions.")
                return
            call_command("clearsessions", verbosity=verbosity)
            self.stdout.write("Expired sessions purged.")
