"""The README stands alone and documents every setting; .env.example lists them all; `make test`
shows why tests were skipped."""

import ast
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
ENV_READERS = {"env", "env_bool", "env_int", "env_list"}


def settings_variables() -> set[str]:
    """Every environment variable arthomed/settings.py reads (through its env helpers)."""
    tree = ast.parse((ROOT / "arthomed" / "settings.py").read_text())
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in ENV_READERS
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def configuration_table() -> str:
    section = README.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    return "\n".join(line for line in section.splitlines() if line.startswith("| `"))


def test_settings_read_a_known_set_of_variables():
    assert {"DEBUG", "SECRET_KEY", "PORT", "DATABASE_URL", "SMS_BACKEND", "ALLOW_CONSOLE_SMS"} <= settings_variables()


def test_every_setting_is_in_env_example():
    listed = set(re.findall(r"^(?:# ?)?([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), flags=re.M))
    assert sorted(settings_variables() - listed) == []


def test_every_setting_is_in_the_readme_configuration_table():
    table = configuration_table()
    assert sorted(name for name in settings_variables() if f"`{name}`" not in table) == []
    assert re.search(r"^\| `PORT` \| `3001` \|", table, flags=re.M)


def _slug(heading: str) -> str:
    return re.sub(r"[^a-z0-9 -]", "", heading.lower()).replace(" ", "-")


def test_readme_stands_alone():
    assert not re.search(r"(?<!\.)\.\./", README), "a path outside the repository"  # "PUT .../cancel" is fine
    for outside in ("SPEC.md", "ARCHITECTURE.md", "LEGACY_API.md"):
        assert outside not in README
    anchors = {_slug(heading) for heading in re.findall(r"^#+ (.+)$", README, flags=re.M)}
    for target in re.findall(r"\]\(([^)]+)\)", README):
        if target.startswith("#"):
            assert target[1:] in anchors, target
        else:
            assert not re.match(r"[a-z]+:", target), f"link outside the repository: {target}"
            assert (ROOT / target).exists(), target
    for url in re.findall(r"https?://[^\s`)>|]+", README):
        host = re.match(r"https?://([^/:]+)", url).group(1)
        assert host in {"localhost", "127.0.0.1", "SITE_ADDRESS", "arthomed.clinic.lan"}, (
            f"not the clinic's own server: {url}"
        )


def test_readme_says_how_to_create_the_first_admin():
    assert "python manage.py create_user --role admin" in README
    assert "docker-compose exec web python manage.py create_user --role admin" in README


def test_make_test_prints_skip_reasons():
    dry_run = subprocess.run(
        ["make", "--dry-run", "--no-print-directory", "test", "PY=python"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    (command,) = [line for line in dry_run.splitlines() if "-m pytest" in line]
    assert " -rs" in command
