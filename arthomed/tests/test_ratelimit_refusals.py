"""Requests refused before DRF throttles (bad, forged or revoked tokens, no token, a role that may not)
still count against the rate limit, once; over it they get 429 instead of being looked at."""

import uuid

import pytest

from accounts.services.sessions import session_logout
from accounts.tokens import read_access_token, tokens_for
from arthomed.core.roles import Role

pytestmark = pytest.mark.django_db

ME = "/api/auth/me"
ADMIN_ONLY = "/api/users"  # the user list: admins only


@pytest.fixture
def small_limit(settings):
    settings.RATE_LIMIT_MAX_REQUESTS = 3  # anonymous; signed-in callers get 10x
    settings.RATE_LIMIT_WINDOW_MS = 60_000


def error_code(response) -> str:
    return response.json()["error"]["code"]


def codes(responses) -> list:
    return [response.status_code for response in responses]


def test_forged_tokens_are_counted_per_address(api, small_limit):
    answers = [api.get(ME, HTTP_AUTHORIZATION="Bearer not.a.token") for _ in range(5)]
    assert codes(answers) == [401, 401, 401, 429, 429]
    assert error_code(answers[0]) == "TOKEN_INVALID"
    assert error_code(answers[3]) == "RATE_LIMIT_EXCEEDED"
    assert 1 <= int(answers[3]["Retry-After"]) <= 60
    # Another address is not affected.
    assert api.get(ME, HTTP_AUTHORIZATION="Bearer not.a.token", REMOTE_ADDR="10.0.0.9").status_code == 401


def test_a_replayed_revoked_token_is_counted_and_then_not_even_read(api, patient, small_limit):
    access = tokens_for(patient)["accessToken"]
    session_logout(user=patient, access_token=read_access_token(access))
    answers = [api.get(ME, HTTP_AUTHORIZATION=f"Bearer {access}") for _ in range(4)]
    assert codes(answers) == [401, 401, 401, 429]


def test_missing_tokens_on_signed_in_routes_are_counted(api, small_limit):
    assert codes(api.get(ME) for _ in range(4)) == [401, 401, 401, 429]


def test_anonymous_refusals_and_public_reads_share_one_allowance(api, small_limit):
    assert api.get(ME).status_code == 401
    assert api.get("/api/users/doctors").status_code == 200
    assert api.get(ME, HTTP_AUTHORIZATION="Bearer x").status_code == 401
    assert api.get("/api/users/doctors").status_code == 429


def test_a_role_refused_is_counted_once_per_request_against_the_user(as_user, patient, small_limit):
    client = as_user(patient)
    answers = [client.get(ADMIN_ONLY) for _ in range(31)]
    assert codes(answers) == [403] * 30 + [429]


def test_errors_after_the_throttle_are_not_counted_twice(as_user, patient, small_limit):
    client = as_user(patient)
    missing = f"/api/appointments/{uuid.uuid4()}"
    answers = [client.get(missing) for _ in range(31)]
    assert codes(answers) == [404] * 30 + [429]


def test_not_acceptable_with_a_bad_token_is_counted_not_a_crash(api, small_limit):
    headers = {"HTTP_ACCEPT": "text/csv", "HTTP_AUTHORIZATION": "Bearer not.a.token"}
    answers = [api.get(ME, **headers) for _ in range(4)]
    assert codes(answers) == [406, 406, 406, 429]


def test_a_good_token_still_gets_the_signed_in_allowance(as_user, make_user, small_limit):
    client = as_user(make_user(Role.RECEPTIONIST))
    assert codes(client.get(ME) for _ in range(31)) == [200] * 30 + [429]
