"""The Docker image holds the code only: no secrets, databases, patient files, history or caches."""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# What a working copy holds after `make run`, `make test`, `make backup` and the benchmarks.
NEVER_IN_IMAGE = [
    ".env",
    ".env.production",
    "db.sqlite3",
    "db.sqlite3-wal",
    "media/appointments/2026/11/report.pdf",
    "media/avatars/a.jpg",
    "backups/arthomed-20261130-020000/database.dump",
    "staticfiles/admin/css/base.css",
    ".venv/bin/python",
    ".git/HEAD",
    ".git",
    "accounts/__pycache__/models.cpython-311.pyc",
    "__pycache__/x.pyc",
    ".pytest_cache/README.md",
    ".ruff_cache/CACHEDIR.TAG",
    ".schemathesis/report.json",
    "bench/results/load.json",
    "server.log",
]


def _pattern_regex(pattern: str) -> re.Pattern:
    """Docker's pattern syntax: `**` spans directories, `*` and `?` stay within one name."""
    regex, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            regex, i = regex + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            regex, i = regex + ".*", i + 2
        elif pattern[i] == "*":
            regex, i = regex + "[^/]*", i + 1
        elif pattern[i] == "?":
            regex, i = regex + "[^/]", i + 1
        else:
            regex, i = regex + re.escape(pattern[i]), i + 1
    return re.compile(regex + r"\Z")


def _rules() -> list[tuple[bool, re.Pattern]]:
    rules = []
    for raw in (ROOT / ".dockerignore").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        pattern = line.lstrip("!").strip("/")
        rules.append((negate, _pattern_regex(pattern)))
    return rules


def sent_to_docker(path: str, rules: list[tuple[bool, re.Pattern]]) -> bool:
    """Whether `docker build .` puts the path in the build context (a matching parent excludes it too)."""
    parts = path.split("/")
    candidates = ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]
    excluded = False
    for negate, regex in rules:  # the last matching rule wins
        if any(regex.match(candidate) for candidate in candidates):
            excluded = not negate
    return not excluded


@pytest.mark.parametrize("path", NEVER_IN_IMAGE)
def test_dockerignore_keeps_secrets_data_and_caches_out(path):
    assert not sent_to_docker(path, _rules()), f"{path} would be copied into the image"


def test_every_tracked_file_is_in_the_build_context():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    rules = _rules()
    assert tracked
    assert [path for path in tracked if not sent_to_docker(path, rules)] == []
    assert sent_to_docker(".env.example", rules)


def test_dockerfile_copies_only_the_filtered_context():
    copies = [line.split()[1:] for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("COPY")]
    assert copies, "the Dockerfile copies the code in"
    rules = _rules()
    for *sources, _destination in copies:
        for source in sources:
            assert not source.startswith("--"), "no COPY --from / --chown tricks that bypass the context"
            # "." is the whole context, filtered by .dockerignore (checked above); a named source must be sent.
            assert source == "." or sent_to_docker(source, rules), source
