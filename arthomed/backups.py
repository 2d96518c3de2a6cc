"""Backups: the PostgreSQL database (pg_dump, custom format) and the media files, in one folder.

A backup folder holds `database.dump` and `media.tar.gz` (the contents of MEDIA_ROOT). The same
layout is produced by the docker-compose commands in the README, so either restores the other.
"""

import os
import subprocess
import tarfile
from pathlib import Path

import dj_database_url
from django.conf import settings
from django.utils import timezone

DATABASE_FILE = "database.dump"
MEDIA_FILE = "media.tar.gz"


class BackupError(Exception):
    pass


def _libpq_environment(database: dict) -> dict[str, str]:
    """Connection settings for pg_dump/pg_restore as libpq variables: no password on a command line."""
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise BackupError("Backups need PostgreSQL (DATABASE_URL=postgres://...); with SQLite, copy db.sqlite3.")
    values = {
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGDATABASE": database.get("NAME"),
    }
    return os.environ | {key: str(value) for key, value in values.items() if value}


def _run(command: list[str], *, environment: dict[str, str]) -> None:
    # Fixed programs; the arguments come from settings and the operator's own command line.
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def backup_create(*, destination: Path) -> Path:
    """Write a new `arthomed-<UTC time>` folder under `destination`, readable by its owner only."""
    environment = _libpq_environment(settings.DATABASES["default"])
    folder = Path(destination) / f"arthomed-{timezone.now():%Y%m%dT%H%M%SZ}"
    folder.mkdir(mode=0o700, parents=True, exist_ok=False)
    _run(
        ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={folder / DATABASE_FILE}"],
        environment=environment,
    )
    if settings.STORAGE_BACKEND == "local":
        with tarfile.open(folder / MEDIA_FILE, "w:gz") as archive:
            if Path(settings.MEDIA_ROOT).is_dir():
                archive.add(settings.MEDIA_ROOT, arcname=".")
    return folder


def backup_restore(*, source: Path, database_url: str, media_root: Path) -> None:
    """Restore a backup folder into an empty database and an empty (or absent) media directory."""
    source, media_root = Path(source), Path(media_root)
    if not (source / DATABASE_FILE).is_file():
        raise BackupError(f"{source} is not a backup folder (no {DATABASE_FILE})")
    if media_root.is_dir() and any(media_root.iterdir()):
        raise BackupError(f"{media_root} is not empty; restore into an empty media directory")
    target = dj_database_url.parse(database_url)
    # One transaction: a database that is not empty makes it fail without changing anything.
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={target['NAME']}",
            str(source / DATABASE_FILE),
        ],
        environment=_libpq_environment(target),
    )
    if (source / MEDIA_FILE).is_file():
        media_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(source / MEDIA_FILE, "r:gz") as archive:
            archive.extractall(media_root, filter="data")
