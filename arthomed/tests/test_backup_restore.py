"""`make backup` / `make restore`: a PostgreSQL dump plus the media files, restored into a fresh database.

The test works on databases it creates itself (names containing `backup_test`) on the server of
DATABASE_URL and drops exactly those afterwards.
"""

import os
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.postgres


def _url(database: dict, name: str) -> str:
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    return f"postgres://{database['USER']}{password}@{database['HOST']}:{database['PORT'] or 5432}/{name}"


@pytest.fixture
def own_databases():
    """Create databases on demand and drop, at the end, only those created here."""
    database = settings.DATABASES["default"]
    maintenance = _url(database, "postgres")
    created: list[str] = []

    def create() -> str:
        name = f"arthomed_backup_test_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(maintenance, autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        created.append(name)
        return _url(database, name)

    yield create
    with psycopg.connect(maintenance, autocommit=True) as connection:
        for name in created:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "SECRET_KEY": "backup-test-secret-key-0123456789abcdefghijkl", **env}
    return subprocess.run(args, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300, check=False)


def _make(target: str, **variables: str) -> subprocess.CompletedProcess:
    assignments = [f"{key}={value}" for key, value in variables.items()]
    return _run(["make", "--no-print-directory", target, f"PY={sys.executable}", *assignments])


def _table_fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row, per table."""
    with psycopg.connect(url) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        fingerprints = {}
        for table in tables:
            query = sql.SQL("SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {} t")
            fingerprints[table] = tuple(connection.execute(query.format(sql.Identifier(table))).fetchone())
    return fingerprints


def _files(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def test_backup_then_restore_into_a_fresh_database(own_databases, tmp_path):
    source = own_databases()
    media = tmp_path / "media"
    assert _run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], DATABASE_URL=source).returncode == 0
    for role, mobile, name in [("admin", "9822222221", "Asha Admin"), ("receptionist", "9822222222", "Rita Desk")]:
        made = _run(
            [sys.executable, "manage.py", "create_user", "--role", role, "--mobile", mobile, "--name", name],
            DATABASE_URL=source,
        )
        assert made.returncode == 0, made.stderr
    (media / "appointments" / "2026" / "11").mkdir(parents=True)
    (media / "appointments" / "2026" / "11" / "x-ray.png").write_bytes(bytes(range(256)) * 40)
    (media / "avatars").mkdir()
    (media / "avatars" / "asha.jpg").write_bytes(b"\xff\xd8\xff" + os.urandom(2048))

    backup = _make("backup", BACKUP_DIR=str(tmp_path / "backups"), DATABASE_URL=source, MEDIA_ROOT=str(media))
    assert backup.returncode == 0, backup.stderr
    (folder,) = (tmp_path / "backups").iterdir()
    assert folder.name.startswith("arthomed-")
    assert sorted(path.name for path in folder.iterdir()) == ["database.dump", "media.tar.gz"]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700  # patient data: the owner only

    target = own_databases()
    restored_media = tmp_path / "restored-media"
    restore = _make("restore", FROM=str(folder), DATABASE_URL=target, MEDIA_ROOT=str(restored_media))
    assert restore.returncode == 0, restore.stderr

    before = _table_fingerprints(source)
    assert before["accounts_user"][0] == 2
    assert _table_fingerprints(target) == before
    assert _files(restored_media) == _files(media)

    # A second restore over data refuses, and changes nothing.
    again = _make("restore", FROM=str(folder), DATABASE_URL=target, MEDIA_ROOT=str(tmp_path / "other-media"))
    assert again.returncode != 0
    assert _table_fingerprints(target) == before
    refused = _make("restore", FROM=str(folder), DATABASE_URL=own_databases(), MEDIA_ROOT=str(restored_media))
    assert refused.returncode != 0
    assert "not empty" in refused.stderr
