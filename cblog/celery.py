"""The background job queue: Celery, configured from Django's settings (CELERY_*).

Jobs go through JOBS_BROKER_URL: Redis locally and in the stack, SQS in AWS. Without a broker
they run in the web process once the write that asked for them has committed.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cblog.settings")

app = Celery("cblog")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
