import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("arthomed.tests.probe_urls")]


@pytest.fixture
def users(make_user):
    return [make_user() for _ in range(25)]


def test_defaults_to_page_one_of_ten(api, users):
    data = api.get("/api/_probe/users").json()["data"]
    assert len(data["items"]) == 10
    assert data["pagination"] == {"current": 1, "pages": 3, "total": 25, "limit": 10, "hasNext": True, "hasPrev": False}
    assert set(data["items"][0]) == {"_id", "mobileNumber"}


def test_last_page_and_page_past_the_end(api, users):
    last = api.get("/api/_probe/users?page=3&limit=10").json()["data"]
    assert len(last["items"]) == 5
    assert last["pagination"]["hasNext"] is False
    assert last["pagination"]["hasPrev"] is True
    beyond = api.get("/api/_probe/users?page=9").json()["data"]
    assert beyond["items"] == []
    assert beyond["pagination"]["total"] == 25


@pytest.mark.parametrize(
    "case",
    [
        ("page=1&limit=10", 25, 2),  # a full page: the total needs a COUNT
        ("page=3&limit=10", 25, 1),  # the last, partial page tells the total itself
        ("page=1&limit=100", 25, 1),
        ("page=9&limit=10", 25, 2),  # past the end: nothing to tell it but a COUNT
    ],
)
def test_a_partial_last_page_needs_no_count(api, users, case, django_assert_num_queries):
    query, total, queries = case
    with django_assert_num_queries(queries):
        data = api.get(f"/api/_probe/users?{query}").json()["data"]
    assert data["pagination"]["total"] == total


def test_an_empty_list_is_one_query_and_total_zero(api, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        data = api.get("/api/_probe/users").json()["data"]
    assert data["items"] == [] and data["pagination"]["total"] == 0 and data["pagination"]["pages"] == 0


def test_limit_up_to_one_hundred(api, users):
    data = api.get("/api/_probe/users?limit=100").json()["data"]
    assert len(data["items"]) == 25
    assert data["pagination"]["pages"] == 1


@pytest.mark.parametrize(
    "query", ["page=0", "page=-1", "page=abc", "limit=0", "limit=101", "limit=1e3", "page=99999999999999999999"]
)
def test_out_of_range_values_are_validation_errors(api, query):
    response = api.get(f"/api/_probe/users?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "VALIDATION_ERROR"
    assert body["errors"][0]["field"] in {"page", "limit"}
