"""`manage.py purge_orphan_files`: bytes no row references go; referenced and young ones stay."""

import io
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from appointments.tests.factories import AppointmentFactory
from files.tests.support import media_files, store_report

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("purge_orphan_files", *args, stdout=out)
    return out.getvalue()


def age(name: str, hours: float) -> None:
    path = default_storage.path(name)
    past = time.time() - hours * 3600
    os.utime(path, (past, past))


@pytest.fixture
def stored_and_orphans(patient, doctor):
    kept = store_report(AppointmentFactory(patient=patient, doctor=doctor, status="confirmed"))
    age(kept.file.name, 5)
    old_orphan = default_storage.save("uploads/appointments/reports/2025/01/x_1_aaaa.pdf", ContentFile(b"%PDF-"))
    age(old_orphan, 5)
    young_orphan = default_storage.save("uploads/profiles/2026/01/y_2_bbbb.png", ContentFile(b"png"))
    return kept, old_orphan, young_orphan


def test_dry_run_lists_and_removes_nothing(stored_and_orphans, settings):
    kept, old_orphan, young_orphan = stored_and_orphans
    output = run("--dry-run")
    assert f"Would remove {old_orphan}" in output
    assert young_orphan not in output and kept.file.name not in output
    assert "Would remove 1 orphan file(s)." in output
    assert len(media_files(settings.MEDIA_ROOT)) == 3


def test_purge_removes_old_orphans_only(stored_and_orphans, settings):
    kept, old_orphan, young_orphan = stored_and_orphans
    output = run()
    assert f"Removed {old_orphan}" in output
    assert media_files(settings.MEDIA_ROOT) == sorted([kept.file.name, young_orphan])
    assert f"Removed {young_orphan}" in run("--min-age-minutes", "0")
    assert media_files(settings.MEDIA_ROOT) == [kept.file.name]


def test_empty_storage_is_fine():
    assert "Removed 0 orphan file(s)." in run()
