"""Signals accounts sends to apps it may not import (dependencies point one way)."""

import django.dispatch

# Sent inside the `user_delete_account` transaction, before personal data is erased,
# with `sender=User, user=<the User>`. The appointments app connects a receiver that
# cancels the user's future appointments; a receiver that raises aborts the deletion.
account_deleting = django.dispatch.Signal()
