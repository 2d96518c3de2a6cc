"""The suite's own rule: a test that expects a 409 also asserts which conflict it was (its error code).

A 409 alone cannot tell "slot taken" from "cancelled" or "limit reached"; a test that only
checks the status keeps passing when the wrong rule refuses the request.
"""

import ast
from pathlib import Path

from django.conf import settings

from arthomed.core.errors import ApplicationError

CONFLICT_CODES = {error.code for error in ApplicationError.__subclasses__() if error.status_code == 409}
APPS = ("accounts", "appointments", "arthomed", "dashboard", "files")


def _is_409(node: ast.AST) -> bool:
    return (isinstance(node, ast.Constant) and node.value == 409) or (
        isinstance(node, ast.Attribute) and node.attr == "HTTP_409_CONFLICT"
    )


def _is_conflict_code(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in CONFLICT_CODES


def _tests() -> list[tuple[str, ast.FunctionDef]]:
    found = []
    for app in APPS:
        for path in sorted((Path(settings.BASE_DIR) / app / "tests").glob("test_*.py")):
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                    found.append((f"{path.relative_to(settings.BASE_DIR)}::{node.name}", node))
    return found


def test_every_409_in_a_test_comes_with_its_error_code():
    """Each expected 409 (status literal or HTTP_409_CONFLICT) is matched by a conflict code in the same test.

    Codes in the test's parametrize table count, so one `code` column serves every row.
    """
    tests = _tests()
    expecting_409 = 0
    unchecked = []
    for name, test in tests:
        statuses = sum(1 for node in ast.walk(test) if _is_409(node))
        codes = sum(1 for node in ast.walk(test) if _is_conflict_code(node))
        expecting_409 += bool(statuses)
        if statuses > codes:
            unchecked.append(name)
    assert {"SLOT_UNAVAILABLE", "INVALID_STATUS_TRANSITION", "APPOINTMENT_CANCELLED"} <= CONFLICT_CODES
    assert expecting_409 > 20, "the scan found too few tests expecting a 409: it is not looking where the tests are"
    assert unchecked == [], f"tests expecting a 409 without asserting its error code: {unchecked}"


def test_the_scan_sees_a_409_without_a_code():
    bare = ast.parse("def test_x(api):\n    assert api.post('/x').status_code == 409\n").body[0]
    coded = ast.parse(
        "def test_y(api):\n    r = api.post('/x')\n    assert r.status_code == 409\n"
        "    assert r.json()['error']['code'] == 'SLOT_UNAVAILABLE'\n"
    ).body[0]
    assert sum(map(_is_409, ast.walk(bare))) == 1 and sum(map(_is_conflict_code, ast.walk(bare))) == 0
    assert sum(map(_is_409, ast.walk(coded))) == 1 and sum(map(_is_conflict_code, ast.walk(coded))) == 1
