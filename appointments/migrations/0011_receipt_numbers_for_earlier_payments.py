"""Receipt numbers for payments recorded before receipt numbers existed (0009).

Every paid, refunded or partially refunded appointment with `paid_at` and no receipt number gets
the next number of its financial year, in `paid_at` order, after the numbers already issued
(the year's ReceiptCounter row is created or moved on). The numbering rule (financial year,
format) is imported from `appointments.receipt_numbers`, pure functions kept stable for this;
the loop is this migration's own copy of `receipt_numbers_backfill` (a migration must not follow
later changes to a service). Reversing leaves the numbers: a receipt once issued stays issued.
"""

from django.db import migrations
from django.db.models import Q

from appointments.receipt_numbers import financial_year, receipt_number_format

RECEIPTED = ("paid", "refunded", "partially-refunded")


def number_earlier_payments(apps, schema_editor):
    Appointment = apps.get_model("appointments", "Appointment")
    ReceiptCounter = apps.get_model("appointments", "ReceiptCounter")
    unnumbered = (
        Appointment.objects.filter(payment_status__in=RECEIPTED, paid_at__isnull=False)
        .filter(Q(receipt_number__isnull=True) | Q(receipt_number=""))
        .order_by("paid_at", "pk")
        .values_list("pk", "paid_at")
    )
    by_year = {}
    for pk, paid_at in unnumbered.iterator(chunk_size=1_000):
        by_year.setdefault(financial_year(paid_at), []).append(pk)
    rows = []
    for year, pks in sorted(by_year.items()):
        ReceiptCounter.objects.get_or_create(financial_year=year)
        counter = ReceiptCounter.objects.select_for_update().get(pk=year)
        first = counter.last_number + 1
        counter.last_number += len(pks)
        counter.save(update_fields=["last_number"])
        rows += [
            Appointment(pk=pk, receipt_number=receipt_number_format(year=year, number=number))
            for number, pk in enumerate(pks, start=first)
        ]
    Appointment.objects.bulk_update(rows, ["receipt_number"], batch_size=1_000)


class Migration(migrations.Migration):
    dependencies = [
        ("appointments", "0010_running_late_notification"),
    ]

    operations = [
        migrations.RunPython(number_earlier_payments, migrations.RunPython.noop, elidable=True),
    ]
