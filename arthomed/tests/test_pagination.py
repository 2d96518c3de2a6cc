import pytest
from django.http import QueryDict
from rest_framework.exceptions import ValidationError

from arthomed.api.pagination import PageQuerySerializer, page_params

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


@pytest.mark.parametrize(
    "query",
    [
        "",
        "page=1",
        "page=2&limit=100",
        "page=01&limit=007",
        "page=1000000&limit=1",
        "page=1000001",
        "page=0000001",
        "limit=101",
        "limit=0",
        "page=&limit=",
        "page= 2",
        "page=2.0",
        "page=2.5",
        "page=+3",
        "page=-3",
        "page=%D9%A3",  # ARABIC-INDIC DIGIT THREE
        "page=%C2%B2",  # SUPERSCRIPT TWO
        "page=1&page=x",
        "page=" + "9" * 5000,
        "limit=" + "0" * 20 + "5",
    ],
)
def test_page_params_take_what_the_page_serializer_takes(query):
    """The shortcut for plain numbers answers exactly what PageQuerySerializer answers (value or error)."""
    params = QueryDict(query)
    serializer = PageQuerySerializer(data={k: params[k] for k in ("page", "limit") if k in params})
    if serializer.is_valid():
        assert page_params(params) == (serializer.validated_data["page"], serializer.validated_data["limit"])
    else:
        with pytest.raises(ValidationError) as refused:
            page_params(params)
        assert refused.value.detail == serializer.errors
