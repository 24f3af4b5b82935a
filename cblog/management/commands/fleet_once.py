"""Runs a management command on one instance of the fleet: every instance's timer fires, the one
that takes the lock runs it, and the others leave it to that one."""

import argparse

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from cblog.locks import fleet_lock, job_lock_name


class Command(BaseCommand):
    help = (
        "Runs COMMAND [ARGUMENTS...] while holding GET_LOCK('cblog-<COMMAND>:<database>') on "
        "MySQL; an instance that finds the lock taken leaves the run to its holder."
    )

    def add_arguments(self, parser):
        parser.add_argument("command_name", metavar="COMMAND")
        parser.add_argument("arguments", nargs=argparse.REMAINDER, metavar="ARGUMENTS")

    def handle(self, *, command_name, arguments, **options):
        with fleet_lock(connection, job_lock_name(command_name), timeout=0) as acquired:
            if not acquired:
                self.stdout.write(f"Another instance is running {command_name}.")
                return
            call_command(command_name, *arguments, stdout=self.stdout, stderr=self.stderr)
