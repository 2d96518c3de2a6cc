"""The API's (method, path) list is pinned: a refactor of views or URLs cannot move, add or drop a route silently.

The snapshot is one `METHOD /path` per line, sorted. After an intended change to the
API, rewrite it from the list this test prints on failure.
"""

from pathlib import Path

from drf_spectacular.generators import SchemaGenerator

SNAPSHOT = Path(__file__).parent / "snapshots" / "api_routes.txt"


def live_routes() -> list[str]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return sorted(f"{method.upper()} {path}" for path, operations in schema["paths"].items() for method in operations)


def test_schema_routes_match_the_snapshot():
    pinned = [line for line in SNAPSHOT.read_text().splitlines() if line and not line.startswith("#")]
    live = live_routes()
    assert live == pinned, "API routes changed; the live list is:\n" + "\n".join(live)
