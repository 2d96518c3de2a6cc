"""Celery app: Redis broker when configured, eager (in-process) otherwise."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arthomed.settings")

app = Celery("arthomed")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The SMS-sending task lives in `notification_tasks` (it must not import the notifications
# package that queues it); apps without such a module are skipped.
app.autodiscover_tasks(related_name="notification_tasks")
