"""Receivers of other apps' signals, connected in `AppointmentsConfig.ready()`."""

from accounts.signals import account_deleting
from appointments.services.lifecycle import appointments_cancel_for_deleted_account


def cancel_appointments_of_deleted_account(sender, *, user, **kwargs) -> None:
    """Runs inside the deletion transaction: if cancelling fails, the account is not deleted either."""
    appointments_cancel_for_deleted_account(user=user)


def connect() -> None:
    account_deleting.connect(
        cancel_appointments_of_deleted_account, dispatch_uid="appointments-cancel-on-account-delete"
    )
