"""JWT sessions (SPEC.md §3): refresh rotation, logout, revocation, and hostile tokens."""

import base64
import json
import threading
from datetime import UTC, datetime, timedelta

import jwt
import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.db.models import F
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import User
from accounts.selectors.people import user_get
from accounts.serializers.people import UserOutputSerializer
from accounts.services.sessions import session_logout, token_refresh, tokens_purge_expired, user_revoke_tokens
from accounts.tasks import purge_expired_tokens
from accounts.tokens import read_access_token, tokens_for
from arthomed.core.errors import TokenExpired, TokenInvalid, UserInactive
from arthomed.core.roles import Role

ME = "/api/auth/me"
REFRESH = "/api/auth/refresh-token"
LOGOUT = "/api/auth/logout"
START = datetime(2026, 3, 2, 4, 30, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def me(api, access: str):
    return api.get(ME, HTTP_AUTHORIZATION=f"Bearer {access}")


def refresh(api, refresh_token: str, **headers):
    return api.post(REFRESH, {"refreshToken": refresh_token}, format="json", **headers)


def logout(api, access: str, body: dict | None = None):
    return api.post(LOGOUT, body or {}, format="json", HTTP_AUTHORIZATION=f"Bearer {access}")


def error_code(response) -> str:
    return response.json()["error"]["code"]


def b64(data: dict | bytes) -> str:
    raw = data if isinstance(data, bytes) else json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


@pytest.mark.django_db
class TestIssuedTokens:
    def test_lifetimes(self, patient, clock):
        tokens = tokens_for(patient)
        access, refresh_claims = claims_of(tokens["accessToken"]), claims_of(tokens["refreshToken"])
        assert tokens["expiresIn"] == 3600
        assert access["exp"] - access["iat"] == 3600
        assert refresh_claims["exp"] - refresh_claims["iat"] == 30 * 86400
        assert access["token_type"] == "access"
        assert refresh_claims["token_type"] == "refresh"
        assert access["user_id"] == refresh_claims["user_id"] == str(patient.id)
        assert access["ver"] == refresh_claims["ver"] == patient.token_version
        assert jwt.get_unverified_header(tokens["accessToken"])["alg"] == "HS256"

    def test_me_returns_the_current_user(self, api, patient):
        response = me(api, tokens_for(patient)["accessToken"])
        assert response.status_code == 200
        user = response.json()["data"]["user"]
        # The user JSON of SPEC.md §4, exactly as the profile endpoint shows it.
        expected = UserOutputSerializer(user_get(patient.pk)).data
        assert set(user) == {_camel(key) for key in expected}
        assert user["_id"] == str(patient.id)
        assert user["mobileNumber"] == patient.mobile_number
        assert user["patientInfo"] == {"bloodGroup": "", "allergies": [], "medicalHistory": []}
        assert "tokenVersion" not in user and "password" not in user

    @pytest.mark.parametrize(
        ("role", "queries"),
        [
            (Role.PATIENT, 1),  # the signed-in user and the revocation check, in one statement
            (Role.RECEPTIONIST, 1),
            (Role.ADMIN, 1),
            (Role.DOCTOR, 3),  # and the doctor's profile and schedule, which only a doctor's JSON shows
        ],
    )
    def test_me_reads_the_user_once_whatever_the_data(self, api, make_user, role, queries, django_assert_num_queries):
        user = make_user(role)
        access = tokens_for(user)["accessToken"]
        with django_assert_num_queries(queries):
            assert me(api, access).status_code == 200
        for _ in range(20):  # more people, and more revoked tokens on the list
            other = make_user(Role.PATIENT)
            session_logout(user=other, access_token=read_access_token(tokens_for(other)["accessToken"]))
        with django_assert_num_queries(queries):
            response = me(api, access)
        assert response.json()["data"]["user"]["_id"] == str(user.pk)
        assert ("doctorInfo" in response.json()["data"]["user"]) is (role == Role.DOCTOR)

    def test_me_needs_a_token(self, api):
        response = api.get(ME)
        assert response.status_code == 401
        assert error_code(response) == "AUTHENTICATION_REQUIRED"


def _camel(key: str) -> str:
    if key == "_id":
        return key
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)


@pytest.mark.django_db
class TestRefresh:
    def test_rotation_issues_new_tokens_and_kills_the_old_refresh_token(self, api, patient):
        first = tokens_for(patient)

        response = refresh(api, first["refreshToken"])
        assert response.status_code == 200
        data = response.json()["data"]
        assert set(data) == {"accessToken", "refreshToken", "expiresIn"}
        assert data["refreshToken"] != first["refreshToken"]
        assert me(api, data["accessToken"]).status_code == 200

        reuse = refresh(api, first["refreshToken"])
        assert reuse.status_code == 401
        assert error_code(reuse) == "TOKEN_INVALID"
        # The rotated token keeps working.
        assert refresh(api, data["refreshToken"]).status_code == 200

    def test_an_expired_access_token_in_the_header_does_not_block_refresh(self, api, patient, clock):
        tokens = tokens_for(patient)
        clock.shift(3601)
        response = refresh(api, tokens["refreshToken"], HTTP_AUTHORIZATION=f"Bearer {tokens['accessToken']}")
        assert response.status_code == 200

    def test_expired_refresh_token(self, api, patient, clock):
        tokens = tokens_for(patient)
        clock.shift(timedelta(days=30, seconds=1))
        response = refresh(api, tokens["refreshToken"])
        assert response.status_code == 401
        assert error_code(response) == "TOKEN_EXPIRED"

    def test_access_token_is_not_a_refresh_token(self, api, patient):
        response = refresh(api, tokens_for(patient)["accessToken"])
        assert response.status_code == 401
        assert error_code(response) == "TOKEN_INVALID"

    def test_garbage_and_missing_refresh_token(self, api):
        assert error_code(refresh(api, "not.a.token")) == "TOKEN_INVALID"
        response = api.post(REFRESH, {}, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "refreshToken"

    def test_service_rotates(self, patient):
        first = tokens_for(patient)
        second = token_refresh(refresh_token=first["refreshToken"])
        assert read_access_token(second["accessToken"])["user_id"] == str(patient.id)
        with pytest.raises(TokenInvalid):
            token_refresh(refresh_token=first["refreshToken"])


@pytest.mark.django_db
class TestAccessToken:
    def test_refresh_token_is_never_accepted_as_access_token(self, api, patient):
        response = me(api, tokens_for(patient)["refreshToken"])
        assert response.status_code == 401
        assert error_code(response) == "TOKEN_INVALID"

    def test_expired_access_token(self, api, patient, clock):
        access = tokens_for(patient)["accessToken"]
        clock.shift(3599)
        assert me(api, access).status_code == 200
        clock.shift(1)
        response = me(api, access)
        assert response.status_code == 401
        assert error_code(response) == "TOKEN_EXPIRED"
        assert response.json()["success"] is False

    def test_tampered_payload_is_refused(self, api, patient, admin_user):
        access = tokens_for(patient)["accessToken"]
        header, _payload, signature = access.split(".")
        claims = claims_of(access)
        claims["user_id"] = str(admin_user.id)
        response = me(api, f"{header}.{b64(claims)}.{signature}")
        assert response.status_code == 401
        assert error_code(response) == "TOKEN_INVALID"

    def test_tampered_signature_is_refused(self, api, patient):
        header, payload, signature = tokens_for(patient)["accessToken"].split(".")
        flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
        assert error_code(me(api, f"{header}.{payload}.{flipped}")) == "TOKEN_INVALID"

    def test_token_signed_with_another_key_is_refused(self, api, patient):
        claims = claims_of(tokens_for(patient)["accessToken"])
        forged = jwt.encode(claims, "another-key-that-is-long-enough-for-hs256-0123456789", algorithm="HS256")
        assert error_code(me(api, forged)) == "TOKEN_INVALID"

    def test_alg_none_token_is_refused(self, api, patient):
        claims = claims_of(tokens_for(patient)["accessToken"])
        for alg in ("none", "None", "NONE"):
            unsigned = f"{b64({'alg': alg, 'typ': 'JWT'})}.{b64(claims)}."
            response = me(api, unsigned)
            assert response.status_code == 401
            assert error_code(response) == "TOKEN_INVALID"
        assert error_code(
            refresh(api, f"{b64({'alg': 'none'})}.{b64(claims_of(tokens_for(patient)['refreshToken']))}.")
        ) == ("TOKEN_INVALID")

    def test_wrong_scheme_and_malformed_subject(self, api, patient):
        access = tokens_for(patient)["accessToken"]
        assert error_code(api.get(ME, HTTP_AUTHORIZATION=f"Token {access}")) == "TOKEN_INVALID"
        claims = claims_of(access)
        claims["user_id"] = "not-a-uuid"
        odd = jwt.encode(claims, settings.SIMPLE_JWT["SIGNING_KEY"], algorithm="HS256")
        assert error_code(me(api, odd)) == "TOKEN_INVALID"

    def test_token_of_a_deleted_user_is_refused(self, api, make_user):
        user = make_user(Role.PATIENT)
        access = tokens_for(user)["accessToken"]
        User.objects.filter(pk=user.pk).delete()
        assert error_code(me(api, access)) == "TOKEN_INVALID"


@pytest.mark.django_db
class TestLogout:
    def test_logout_kills_the_refresh_token_and_the_access_token_used(self, api, patient):
        tokens = tokens_for(patient)
        other_device = tokens_for(patient)

        response = logout(api, tokens["accessToken"], {"refreshToken": tokens["refreshToken"]})
        assert response.status_code == 200
        assert response.json()["success"] is True

        assert error_code(me(api, tokens["accessToken"])) == "TOKEN_INVALID"
        assert error_code(refresh(api, tokens["refreshToken"])) == "TOKEN_INVALID"
        # Only this session ends; the user's other device stays signed in.
        assert me(api, other_device["accessToken"]).status_code == 200
        assert refresh(api, other_device["refreshToken"]).status_code == 200

    def test_logout_without_a_refresh_token_still_kills_the_access_token(self, api, patient):
        tokens = tokens_for(patient)
        assert logout(api, tokens["accessToken"]).status_code == 200
        assert error_code(me(api, tokens["accessToken"])) == "TOKEN_INVALID"
        assert error_code(logout(api, tokens["accessToken"])) == "TOKEN_INVALID"

    def test_logout_needs_a_token(self, api):
        response = api.post(LOGOUT, {}, format="json")
        assert response.status_code == 401
        assert error_code(response) == "AUTHENTICATION_REQUIRED"

    def test_a_useless_refresh_token_in_the_body_does_not_fail_logout(self, api, patient):
        tokens = tokens_for(patient)
        assert logout(api, tokens["accessToken"], {"refreshToken": "garbage"}).status_code == 200

    def test_logout_cannot_revoke_another_users_refresh_token(self, api, patient, doctor):
        mine, theirs = tokens_for(patient), tokens_for(doctor)
        logout(api, mine["accessToken"], {"refreshToken": theirs["refreshToken"]})
        assert refresh(api, theirs["refreshToken"]).status_code == 200

    def test_service(self, patient):
        tokens = tokens_for(patient)
        session_logout(
            user=patient,
            access_token=read_access_token(tokens["accessToken"]),
            refresh_token=tokens["refreshToken"],
        )
        assert BlacklistedToken.objects.count() == 2


@pytest.mark.django_db
class TestRevocation:
    def test_deactivation_revokes_access_and_refresh_at_once(self, api, make_user):
        user = make_user(Role.RECEPTIONIST)
        tokens = tokens_for(user)
        assert me(api, tokens["accessToken"]).status_code == 200

        User.objects.filter(pk=user.pk).update(is_active=False)
        user_revoke_tokens(user=user)

        response = me(api, tokens["accessToken"])
        assert response.status_code == 401
        assert error_code(response) == "USER_INACTIVE"
        assert error_code(refresh(api, tokens["refreshToken"])) == "USER_INACTIVE"

    def test_version_bump_alone_kills_every_token(self, api, patient):
        """The admin service's deactivation does exactly this update; reactivating must not revive old tokens."""
        tokens = tokens_for(patient)
        User.objects.filter(pk=patient.pk).update(token_version=F("token_version") + 1)

        assert error_code(me(api, tokens["accessToken"])) == "TOKEN_INVALID"
        assert error_code(refresh(api, tokens["refreshToken"])) == "TOKEN_INVALID"
        patient.refresh_from_db()
        assert me(api, tokens_for(patient)["accessToken"]).status_code == 200

    def test_user_revoke_tokens_bumps_version_and_blacklists_refresh_tokens(self, patient, doctor):
        tokens_for(patient), tokens_for(patient), tokens_for(doctor)
        before = patient.token_version

        user_revoke_tokens(user=patient)

        assert patient.token_version == before + 1
        assert User.objects.get(pk=patient.pk).token_version == before + 1
        assert BlacklistedToken.objects.filter(token__user=patient).count() == 2
        assert not BlacklistedToken.objects.filter(token__user=doctor).exists()
        user_revoke_tokens(user=patient)  # idempotent for already blacklisted tokens
        assert BlacklistedToken.objects.filter(token__user=patient).count() == 2

    @pytest.mark.postgres
    def test_a_prepared_sign_in_check_still_refuses_a_token_revoked_after_it(self, api, patient):
        """With DATABASE_PREPARED_STATEMENTS (the default) PostgreSQL keeps the user-and-revocation
        statement prepared after five runs; what it answers is still read at each request."""
        tokens = tokens_for(patient)
        for _ in range(6):
            assert me(api, tokens["accessToken"]).status_code == 200
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            prepared = [statement for (statement,) in cursor.fetchall()]
        assert any("token_blacklist_blacklistedtoken" in statement for statement in prepared), prepared

        session_logout(user=patient, access_token=read_access_token(tokens["accessToken"]))
        assert error_code(me(api, tokens["accessToken"])) == "TOKEN_INVALID"
        User.objects.filter(pk=patient.pk).update(is_active=False)
        assert error_code(me(api, tokens_for(patient)["accessToken"])) == "USER_INACTIVE"

    def test_inactive_user_service_errors(self, patient):
        tokens = tokens_for(patient)
        User.objects.filter(pk=patient.pk).update(is_active=False)
        with pytest.raises(UserInactive):
            token_refresh(refresh_token=tokens["refreshToken"])

    def test_expired_error_from_reader(self, patient, clock):
        access = tokens_for(patient)["accessToken"]
        clock.shift(7200)
        with pytest.raises(TokenExpired):
            read_access_token(access)


@pytest.mark.django_db
def test_expired_tokens_are_purged(patient, clock):
    tokens_for(patient)
    clock.shift(timedelta(days=31))
    tokens_for(patient)
    assert tokens_purge_expired() == 1
    clock.shift(timedelta(days=31))
    assert purge_expired_tokens.delay().get() == 1
    assert not OutstandingToken.objects.exists()
    assert settings.CELERY_BEAT_SCHEDULE["purge-expired-tokens"]["task"] == purge_expired_tokens.name


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_reuse_of_one_refresh_token_has_one_winner(make_user):
    user = make_user(Role.PATIENT)
    raw = tokens_for(user)["refreshToken"]
    count = 6
    outcomes: list = [None] * count
    barrier = threading.Barrier(count)

    def run(index):
        try:
            barrier.wait(timeout=10)
            try:
                token_refresh(refresh_token=raw)
                outcomes[index] = "OK"
            except TokenInvalid:
                outcomes[index] = "TOKEN_INVALID"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert outcomes.count("OK") == 1
    assert outcomes.count("TOKEN_INVALID") == count - 1
