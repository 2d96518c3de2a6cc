"""Sign-in by SMS code (SPEC.md §3): send-otp and verify-otp, through the API and the services."""

import hmac
import json
import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from accounts.models import OtpCode, User
from accounts.services.auth import (
    OTP_HELD_MESSAGE,
    otp_check,
    otp_message,
    otp_purge,
    otp_send,
    otp_verify_and_login,
)
from accounts.tasks import purge_expired_otps
from appointments.tests.factories import next_mobile
from arthomed import sms
from arthomed.core.errors import OtpExpired, OtpInvalid, OtpMaxAttempts, OtpNotFound, SmsDeliveryFailed
from arthomed.core.roles import Role

SEND = "/api/auth/send-otp"
VERIFY = "/api/auth/verify-otp"
ME = "/api/auth/me"
START = datetime(2026, 3, 2, 4, 30, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def send(api, number, ip="203.0.113.7", **extra):
    return api.post(SEND, {"mobileNumber": number}, format="json", REMOTE_ADDR=ip, **extra)


def verify(api, number, otp, **fields):
    return api.post(VERIFY, {"mobileNumber": number, "otp": otp, **fields}, format="json")


def last_code() -> str:
    return re.match(r"^(\d{6}) ", sms.outbox[-1].body).group(1)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def deactivate(user):
    User.objects.filter(pk=user.pk).update(is_active=False)
    return user


def error_code(response) -> str:
    return response.json()["error"]["code"]


def without_timestamp(response) -> dict:
    body = json.loads(response.content)
    body.pop("timestamp")
    return body


@pytest.mark.django_db
class TestSendOtp:
    @pytest.mark.parametrize("given", ["9876543210", "+91 98765 43210", "09876543210", "+91-98765-43210"])
    def test_accepts_indian_forms_and_stores_ten_digits(self, api, clock, given):
        response = send(api, given)

        assert response.status_code == 200
        body = response.json()
        assert body["success"] is True
        assert body["data"] == {"message": "OTP sent to your mobile number", "expiresIn": 300, "resendAfter": 60}
        otp = OtpCode.objects.get()
        assert otp.mobile_number == "9876543210"
        assert otp.expires_at - otp.created_at == timedelta(seconds=300)
        [message] = sms.outbox
        assert message.to == "+919876543210"

    @pytest.mark.parametrize("given", ["12345", "5876543210", "98765432101", "abcdefghij", "+1 415 555 0100", ""])
    def test_rejects_anything_else(self, api, given):
        response = send(api, given)
        assert response.status_code == 400
        assert error_code(response) in {"INVALID_MOBILE_NUMBER", "VALIDATION_ERROR"}
        if given:
            assert error_code(response) == "INVALID_MOBILE_NUMBER"
        assert not OtpCode.objects.exists()
        assert sms.outbox == []

    def test_missing_number_is_a_validation_error(self, api):
        response = api.post(SEND, {}, format="json")
        assert response.status_code == 400
        assert response.json()["errors"][0]["field"] == "mobileNumber"

    def test_code_comes_from_the_csprng_and_only_a_hash_is_stored(self, api, monkeypatch):
        calls = []

        def fake_randbelow(limit):
            calls.append(limit)
            return 42

        monkeypatch.setattr("accounts.services.auth.secrets.randbelow", fake_randbelow)
        send(api, "9876543210")

        assert calls == [1_000_000]
        assert last_code() == "000042"
        stored = OtpCode.objects.get()
        assert "000042" not in stored.code_hash
        assert len(stored.code_hash) == 64
        response_text = send(api, "9876543211").content.decode()
        assert "000042" not in response_text

    def test_codes_are_six_digits_and_vary(self, api, clock):
        codes = set()
        for _ in range(5):
            send(api, next_mobile())
            codes.add(last_code())
        assert len(codes) > 1

    def test_sms_names_the_app_and_validity(self, api, settings):
        settings.CLINIC_NAME = "Arthomed Clinic"
        send(api, "9876543210")
        body = sms.outbox[-1].body
        assert body.startswith(last_code())
        assert "Arthomed Clinic" in body
        assert "5 minutes" in body
        assert not body.startswith("<#>")

    def test_sms_ends_with_the_android_app_hash_when_set(self, settings):
        settings.OTP_SMS_APP_HASH = "FA+9qCX9VSu"
        text = otp_message("123456")
        assert text.endswith("\nFA+9qCX9VSu")
        # SMS Retriever reads messages of at most 140 bytes.
        assert len(text.encode()) <= 140

    def test_validity_follows_the_setting(self, settings):
        settings.OTP_EXPIRY_SECONDS = 90
        assert "90 seconds" in otp_message("123456")

    def test_new_code_replaces_the_live_one(self, api, clock):
        send(api, "9876543210")
        first = last_code()
        clock.shift(61)
        send(api, "9876543210")
        second = last_code()

        old, new = OtpCode.objects.order_by("created_at")
        assert old.invalidated_at is not None
        assert new.invalidated_at is None
        if first != second:
            assert error_code(verify(api, "9876543210", first)) == "OTP_INVALID"
        assert verify(api, "9876543210", second).status_code == 200

    def test_cooldown_per_number(self, api, clock):
        assert send(api, "9876543210").status_code == 200

        response = send(api, "9876543210")
        assert response.status_code == 429
        assert error_code(response) == "OTP_RESEND_TOO_SOON"
        assert response["Retry-After"] == "60"

        clock.shift(59)
        response = send(api, "+91 98765 43210")
        assert error_code(response) == "OTP_RESEND_TOO_SOON"
        assert response["Retry-After"] == "1"

        clock.shift(1)
        assert send(api, "9876543210").status_code == 200
        # Another number is not affected by this number's cooldown.
        assert send(api, "9876543211").status_code == 200

    def test_cooldown_holds_without_the_cache(self, api, clock):
        send(api, "9876543210")
        cache.clear()  # another process, a restart, or a Redis flush
        assert error_code(send(api, "9876543210")) == "OTP_RESEND_TOO_SOON"

    def test_at_most_five_sms_per_number_per_hour_then_the_latest_code_is_kept(self, api, clock):
        for _ in range(5):
            assert send(api, "9876543210").status_code == 200
            clock.shift(61)
        latest = last_code()

        response = send(api, "9876543210")
        assert response.status_code == 200
        data = response.json()["data"]
        assert data["message"] == OTP_HELD_MESSAGE
        assert data["resendAfter"] == 3600 - 5 * 61  # when the first SMS leaves the hour
        assert data["expiresIn"] == 300  # renewed from now
        assert len(sms.outbox) == 5
        assert verify(api, "9876543210", latest).status_code == 200

    def test_hourly_cap_is_configurable(self, api, clock, settings):
        settings.OTP_MAX_PER_NUMBER_PER_HOUR = 2
        settings.OTP_RESEND_COOLDOWN_SECONDS = 10
        for _ in range(3):
            assert send(api, "9876543210").status_code == 200
            clock.shift(11)
        assert len(sms.outbox) == 2

    def test_at_most_twenty_sends_per_ip_per_hour(self, api, clock):
        for _ in range(20):
            assert send(api, next_mobile(), ip="198.51.100.9").status_code == 200

        response = send(api, next_mobile(), ip="198.51.100.9")
        assert response.status_code == 429
        assert error_code(response) == "RATE_LIMIT_EXCEEDED"
        assert int(response["Retry-After"]) == 3600
        cache.clear()
        assert send(api, next_mobile(), ip="198.51.100.9").status_code == 429
        # Other clients are not affected.
        assert send(api, next_mobile(), ip="198.51.100.10").status_code == 200

        clock.shift(3601)
        assert send(api, next_mobile(), ip="198.51.100.9").status_code == 200

    def test_per_ip_cap_uses_the_forwarded_client_behind_a_trusted_proxy(self, api, clock, settings):
        settings.TRUSTED_PROXY_COUNT = 1
        settings.OTP_MAX_PER_IP_PER_HOUR = 2
        proxy = "10.0.0.1"
        for _ in range(2):
            assert send(api, next_mobile(), ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 200
        assert error_code(send(api, next_mobile(), ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.1")) == (
            "RATE_LIMIT_EXCEEDED"
        )
        assert send(api, next_mobile(), ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 200
        assert set(OtpCode.objects.values_list("ip_address", flat=True)) == {"198.51.100.1", "198.51.100.2"}

    def test_known_and_unknown_numbers_get_identical_answers(self, api, clock, make_user):
        make_user(Role.PATIENT, mobile_number="9876543210")
        deactivate(make_user(Role.DOCTOR, mobile_number="9876543211"))
        known = send(api, "9876543210")
        inactive = send(api, "9876543211")
        unknown = send(api, "9876543212")

        assert known.status_code == inactive.status_code == unknown.status_code == 200
        assert without_timestamp(known) == without_timestamp(inactive) == without_timestamp(unknown)
        strip = re.compile(rb'"timestamp":"[^"]*"')
        assert strip.sub(b"", known.content) == strip.sub(b"", unknown.content) == strip.sub(b"", inactive.content)
        assert len(sms.outbox) == 3

        # The limits answer the same way too.
        assert without_timestamp(send(api, "9876543210")) == without_timestamp(send(api, "9876543212"))


class FailingSmsBackend:
    """Records what it was asked to send, then fails like an unreachable provider."""

    sent: list = []

    def send(self, message):
        FailingSmsBackend.sent.append(message)
        raise ConnectionError("provider down")


@pytest.mark.django_db
class TestSmsFailure:
    def test_sms_failure_is_503_and_leaves_no_usable_code(self, api, clock, settings):
        FailingSmsBackend.sent = []
        settings.SMS_BACKEND = f"{__name__}.FailingSmsBackend"

        response = send(api, "9876543210")

        assert response.status_code == 503
        assert error_code(response) == "SMS_DELIVERY_FAILED"
        assert response.json()["success"] is False
        assert response["Retry-After"] == "60"
        code = re.match(r"^(\d{6})", FailingSmsBackend.sent[-1].body).group(1)
        otp = OtpCode.objects.get()
        assert otp.invalidated_at is not None
        assert error_code(verify(api, "9876543210", code)) == "OTP_NOT_FOUND"

    def test_service_raises_sms_delivery_failed(self, settings, db):
        settings.SMS_BACKEND = f"{__name__}.FailingSmsBackend"
        with pytest.raises(SmsDeliveryFailed):
            otp_send(mobile_number="9876543210", ip_address="203.0.113.1")
        assert OtpCode.objects.get().is_spent


@pytest.mark.django_db
class TestVerifyOtp:
    def test_registers_a_new_patient(self, api, clock):
        send(api, "9876543210")
        response = verify(api, "+91 98765 43210", last_code(), name="Ravi Kumar", email="Ravi@Example.com")

        assert response.status_code == 200
        data = response.json()["data"]
        assert data["isNewUser"] is True
        assert data["user"]["mobileNumber"] == "9876543210"
        assert data["user"]["name"] == "Ravi Kumar"
        assert data["user"]["email"] == "ravi@example.com"
        assert data["user"]["role"] == "patient"
        assert data["user"]["isVerified"] is True
        assert set(data["tokens"]) == {"accessToken", "refreshToken", "expiresIn"}
        assert data["tokens"]["expiresIn"] == 3600
        user = User.objects.get(mobile_number="9876543210")
        assert user.role == Role.PATIENT
        me = api.get(ME, HTTP_AUTHORIZATION=f"Bearer {data['tokens']['accessToken']}")
        assert me.status_code == 200
        assert me.json()["data"]["user"]["_id"] == str(user.id)

    def test_logs_in_an_existing_user(self, api, clock, doctor):
        send(api, doctor.mobile_number)
        response = verify(api, doctor.mobile_number, last_code(), name="Someone Else")

        data = response.json()["data"]
        assert data["isNewUser"] is False
        assert data["user"]["_id"] == str(doctor.id)
        assert data["user"]["role"] == "doctor"
        assert data["user"]["name"] == "Dev Doctor"
        assert User.objects.count() == 1

    def test_refuses_a_deactivated_user(self, api, clock, make_user):
        user = deactivate(make_user(Role.PATIENT))
        send(api, user.mobile_number)
        response = verify(api, user.mobile_number, last_code())
        assert response.status_code == 401
        assert error_code(response) == "USER_INACTIVE"

    def test_wrong_code_reports_attempts_left(self, api, clock):
        send(api, "9876543210")
        code = last_code()

        first = verify(api, "9876543210", wrong(code))
        assert first.status_code == 400
        assert error_code(first) == "OTP_INVALID"
        assert first.json()["error"]["details"] == {"attemptsLeft": 2}
        assert verify(api, "9876543210", wrong(code)).json()["error"]["details"] == {"attemptsLeft": 1}

    def test_code_dies_after_three_wrong_tries(self, api, clock):
        send(api, "9876543210")
        code = last_code()
        for _ in range(3):
            assert error_code(verify(api, "9876543210", wrong(code))) == "OTP_INVALID"

        response = verify(api, "9876543210", code)
        assert response.status_code == 401
        assert error_code(response) == "OTP_MAX_ATTEMPTS"
        assert OtpCode.objects.get().attempts == 3

    def test_at_most_fifteen_guesses_per_number_per_hour(self, api, clock):
        judged = 0
        for _ in range(5):
            assert send(api, "9876543210").status_code == 200
            code = last_code()
            for _ in range(4):
                if error_code(verify(api, "9876543210", wrong(code))) == "OTP_INVALID":
                    judged += 1
            clock.shift(61)

        assert error_code(send(api, "9876543210")) == "RATE_LIMIT_EXCEEDED"
        assert error_code(verify(api, "9876543210", "123456")) == "OTP_MAX_ATTEMPTS"
        assert judged == 15
        assert sum(OtpCode.objects.values_list("attempts", flat=True)) == 15

    def test_expired_code(self, api, clock):
        send(api, "9876543210")
        code = last_code()
        clock.shift(300)
        response = verify(api, "9876543210", code)
        assert response.status_code == 401
        assert error_code(response) == "OTP_EXPIRED"

    def test_code_still_valid_just_before_expiry(self, api, clock):
        send(api, "9876543210")
        code = last_code()
        clock.shift(299)
        assert verify(api, "9876543210", code).status_code == 200

    def test_no_code_for_this_number(self, api):
        response = verify(api, "9876543210", "123456")
        assert response.status_code == 404
        assert error_code(response) == "OTP_NOT_FOUND"

    def test_a_used_code_cannot_be_replayed(self, api, clock):
        send(api, "9876543210")
        code = last_code()
        assert verify(api, "9876543210", code).status_code == 200

        replay = verify(api, "9876543210", code)
        assert replay.status_code == 404
        assert error_code(replay) == "OTP_NOT_FOUND"

    def test_a_code_belongs_to_its_number(self, api, clock):
        send(api, "9876543210")
        code = last_code()
        send(api, "9876543211")
        other = last_code()
        if other != code:
            assert error_code(verify(api, "9876543211", code)) == "OTP_INVALID"

    def test_comparison_is_constant_time(self, api, clock, monkeypatch):
        calls = []
        real = hmac.compare_digest

        def spy(a, b):
            calls.append((a, b))
            return real(a, b)

        monkeypatch.setattr(hmac, "compare_digest", spy)
        send(api, "9876543210")
        verify(api, "9876543210", last_code())
        assert len(calls) == 1

    @pytest.mark.parametrize(
        ("fields", "field"),
        [
            ({"otp": "12345"}, "otp"),
            ({"otp": "12a456"}, "otp"),
            ({"otp": "123456", "name": "R2-D2"}, "name"),
            ({"otp": "123456", "name": "A"}, "name"),
            ({"otp": "123456", "email": "not-an-email"}, "email"),
        ],
    )
    def test_malformed_input_is_a_validation_error(self, api, fields, field):
        response = api.post(VERIFY, {"mobileNumber": "9876543210", **fields}, format="json")
        assert response.status_code == 400
        assert error_code(response) == "VALIDATION_ERROR"
        assert [error["field"] for error in response.json()["errors"]] == [field]

    def test_invalid_number_on_verify(self, api):
        assert error_code(verify(api, "12345", "123456")) == "INVALID_MOBILE_NUMBER"

    def test_a_taken_email_is_left_off_with_the_same_answer_and_the_code_is_spent(self, api, clock, make_user):
        make_user(Role.PATIENT, email="taken@example.com")
        answers = {}
        for number, email in (("9876543210", "taken@example.com"), ("9876543211", "free@example.com")):
            send(api, number)
            code = last_code()
            response = verify(api, number, code, email=email)
            assert response.status_code == 200
            answers[email] = response.json()
            assert error_code(verify(api, number, code)) == "OTP_NOT_FOUND"  # spent either way
        assert answers["taken@example.com"]["message"] == answers["free@example.com"]["message"]
        assert answers["taken@example.com"]["data"]["isNewUser"] is True
        assert User.objects.get(mobile_number="9876543210").email is None
        assert User.objects.get(mobile_number="9876543211").email == "free@example.com"

    def test_a_stale_bearer_token_does_not_block_sign_in(self, api, clock):
        api.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
        assert send(api, "9876543210").status_code == 200
        assert verify(api, "9876543210", last_code()).status_code == 200


@pytest.mark.django_db
class TestOtpServices:
    def test_otp_check_validates_and_consumes(self, clock):
        otp_send(mobile_number="9876543210", ip_address="203.0.113.1")
        code = last_code()

        with pytest.raises(OtpInvalid) as info:
            otp_check(mobile_number="9876543210", code=wrong(code))
        assert info.value.details == {"attempts_left": 2}
        otp_check(mobile_number="98765 43210", code=code)
        with pytest.raises(OtpNotFound):
            otp_check(mobile_number="9876543210", code=code)

    def test_otp_check_expired_and_max_attempts(self, clock):
        otp_send(mobile_number="9876543210", ip_address=None)
        code = last_code()
        for _ in range(3):
            with pytest.raises(OtpInvalid):
                otp_check(mobile_number="9876543210", code=wrong(code))
        with pytest.raises(OtpMaxAttempts):
            otp_check(mobile_number="9876543210", code=code)

        clock.shift(61)
        otp_send(mobile_number="9876543210", ip_address=None)
        clock.shift(300)
        with pytest.raises(OtpExpired):
            otp_check(mobile_number="9876543210", code=last_code())

    def test_otp_send_accepts_a_missing_or_odd_ip(self, clock):
        assert otp_send(mobile_number="9876543210", ip_address="unknown")["expires_in"] == 300
        assert OtpCode.objects.get().ip_address is None

    def test_verify_and_login_returns_user_and_flag(self, clock):
        otp_send(mobile_number="9876543210", ip_address=None)
        user, is_new = otp_verify_and_login(mobile_number="9876543210", code=last_code(), name="Asha Rao")
        assert is_new is True
        assert user.name == "Asha Rao"
        assert user.is_verified is True


@pytest.mark.django_db
class TestPurge:
    def _rows(self, clock):
        otp_send(mobile_number="9876543210", ip_address=None)  # will be old and expired
        clock.shift(3600)
        otp_send(mobile_number="9876543211", ip_address=None)  # expired, but still counts for the hour
        clock.shift(600)
        otp_send(mobile_number="9876543212", ip_address=None)  # live

    def test_purge_deletes_only_expired_codes_outside_the_counting_window(self, clock):
        self._rows(clock)
        assert otp_purge() == 1
        assert sorted(OtpCode.objects.values_list("mobile_number", flat=True)) == ["9876543211", "9876543212"]

    def test_management_command(self, clock, capsys):
        self._rows(clock)
        call_command("purge_otps")
        assert "Deleted 1 expired OTP code(s)." in capsys.readouterr().out
        assert OtpCode.objects.count() == 2

    def test_periodic_task(self, clock, settings):
        self._rows(clock)
        assert purge_expired_otps.delay().get() == 1
        assert OtpCode.objects.count() == 2
        assert settings.CELERY_BEAT_SCHEDULE["purge-expired-otps"]["task"] == purge_expired_otps.name


def _parallel(count: int, target) -> list:
    results: list = [None] * count
    barrier = threading.Barrier(count)

    def run(index):
        try:
            barrier.wait(timeout=10)
            results[index] = target()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
class TestConcurrentGuesses:
    def _outcome(self, code):
        try:
            otp_check(mobile_number="9876543210", code=code)
        except (OtpInvalid, OtpMaxAttempts, OtpNotFound) as exc:
            return exc.code
        return "OK"

    def test_parallel_wrong_guesses_cannot_exceed_the_limit(self):
        otp_send(mobile_number="9876543210", ip_address=None)
        bad = wrong(last_code())

        outcomes = _parallel(10, lambda: self._outcome(bad))

        assert outcomes.count("OTP_INVALID") == 3
        assert outcomes.count("OTP_MAX_ATTEMPTS") == 7
        assert OtpCode.objects.get().attempts == 3

    def test_parallel_right_guesses_verify_once(self):
        otp_send(mobile_number="9876543210", ip_address=None)
        code = last_code()

        outcomes = _parallel(8, lambda: self._outcome(code))

        assert outcomes.count("OK") == 1
        assert outcomes.count("OTP_NOT_FOUND") == 7

    def test_parallel_sends_respect_the_cooldown(self):
        def attempt():
            try:
                otp_send(mobile_number="9876543210", ip_address="203.0.113.5")
            except Exception as exc:  # noqa: BLE001 - the outcome is what is asserted
                return getattr(exc, "code", type(exc).__name__)
            return "OK"

        outcomes = _parallel(6, attempt)

        assert outcomes.count("OK") == 1
        assert outcomes.count("OTP_RESEND_TOO_SOON") == 5
        assert OtpCode.objects.count() == 1
