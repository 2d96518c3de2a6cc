"""The appointment lifecycle (SPEC.md §5), by subdomain: the transition table (`transitions`),
clinical records (`clinical`), cancellation refunds and payments (`payments`), and what the
system does on its own (`expiry`). Callers import from here."""

from appointments.services.lifecycle.clinical import (
    appointment_feedback_submit,
    appointment_status_update,
    appointment_visit_summary_update,
)
from appointments.services.lifecycle.expiry import appointments_cancel_for_deleted_account, appointments_expire_pending
from appointments.services.lifecycle.payments import (
    appointment_cancel,
    appointment_payment_record,
    appointment_refund_process,
    cancellation_refund,
    financial_year,
)
from appointments.services.lifecycle.transitions import (
    TRANSITIONS,
    appointment_confirm,
    appointment_reject,
    patient_notice_check,
)

__all__ = [
    "TRANSITIONS",
    "appointment_cancel",
    "appointment_confirm",
    "appointment_feedback_submit",
    "appointment_payment_record",
    "appointment_refund_process",
    "appointment_reject",
    "appointment_status_update",
    "appointment_visit_summary_update",
    "appointments_cancel_for_deleted_account",
    "appointments_expire_pending",
    "cancellation_refund",
    "financial_year",
    "patient_notice_check",
]
