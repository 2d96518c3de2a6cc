"""The API's (method, path) list is pinned: a refactor of views or URLs cannot move, add or drop a route silently.

The snapshot is one `METHOD /path` per line, sorted. After an intended change to the
API, rewrite it from the list this test prints on failure.
"""

import re
from pathlib import Path

import pytest
from drf_spectacular.generators import SchemaGenerator

from conftest import client_for

SNAPSHOT = Path(__file__).parent / "snapshots" / "api_routes.txt"


def live_routes() -> list[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(f"{method.upper()} {path}" for path, operations in schema["paths"].items() for method in operations)


def test_schema_routes_match_the_snapshot():
    pinned = [line for line in SNAPSHOT.read_text().splitlines() if line and not line.startswith("#")]
    live = live_routes()
    assert live == pinned, "API routes changed; the live list is:\n" + "\n".join(live)


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True])
def test_options_on_every_route_answers_without_a_server_error(make_user, signed_in):
    """ViewSets have no `get_serializer()`: OPTIONS must still describe the operation, not fail."""
    client = client_for(make_user() if signed_in else None)
    for route in live_routes():
        path = re.sub(r"{\w+}", "0", route.split(" ", 1)[1])
        response = client.options(path)
        assert response.status_code < 500, (route, response.content)
        assert response["Content-Type"].startswith("application/json"), route
