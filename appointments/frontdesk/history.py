"""The admin's history ("Recent actions", each object's history) for front-desk page actions.

Front-desk pages act through services, outside a ModelAdmin, so they record what they did here:
one LogEntry per object changed, attributed to the signed-in staff member.
"""

from django.contrib.admin.models import CHANGE, LogEntry


def history_record(*, actor, obj, message: str, action_flag: int = CHANGE) -> LogEntry:
    """Record `message` against `obj` in the admin's history, as done by `actor`.

    Keep `message` free of clinical content: receptionists read the history.
    """
    return LogEntry.objects.log_actions(actor.pk, [obj], action_flag, message[:1000], single_object=True)
