"""The admin's history ("Recent actions") for what the front desk does outside a ModelAdmin form."""

from django.contrib.admin.models import CHANGE, LogEntry
from django.db.models import Model


def log_frontdesk_action(*, user, obj: Model, message: str, flag: int = CHANGE) -> LogEntry:
    """One LogEntry (by default a change of `obj` by `user`), as the admin writes for its own actions.

    `message` names what happened ("Checked in", "Cancelled: <reason>"): never clinical text.
    """
    # log_actions: LogEntryManager.log_action is deprecated since Django 5.1.
    queryset = type(obj)._default_manager.filter(pk=obj.pk)
    return LogEntry.objects.log_actions(user.pk, queryset, flag, change_message=message, single_object=True)
