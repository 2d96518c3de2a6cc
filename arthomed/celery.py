"""Celery app: Redis broker when configured, eager (in-process) otherwise."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "arthomed.settings")

app = Celery("arthomed")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Notification tasks live beside the app's `tasks` module (owned separately); apps without
# such a module are skipped.
app.autodiscover_tasks(related_name="notification_tasks")
