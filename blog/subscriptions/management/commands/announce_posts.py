from django.core.management.base import BaseCommand

from blog.subscriptions.services import posts_announce_due


class Command(BaseCommand):
    help = "Queues the subscription mail of published posts not yet announced (scheduled ones)."

    def handle(self, *args, **options):
        self.stdout.write(f"{posts_announce_due()} post(s) queued for announcement.")
