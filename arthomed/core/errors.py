"""The one domain exception family. Services raise these; the API renders them.

Each subclass carries the SPEC.md error code and HTTP status, so the same service
call behaves the same from the API, the Django admin, a command or a Celery task.
"""

from typing import Any

# The one message of each error code (SPEC.md §1): the API always answers this text for the
# code; what a raiser says beyond it goes to `error.details`.
MESSAGES: dict[str, str] = {
    "INTERNAL_ERROR": "Internal server error",
    "METHOD_NOT_ALLOWED": "Method not allowed",
    "NOT_ACCEPTABLE": "Only application/json responses are available",
    "UNSUPPORTED_MEDIA_TYPE": "Unsupported media type",
    "PAYLOAD_TOO_LARGE": "Request body is too large",
}


def message_for(code: str, fallback: str = "") -> str:
    return MESSAGES.get(code, fallback)


class ApplicationError(Exception):
    code = "INTERNAL_ERROR"
    status_code = 500
    default_message = MESSAGES["INTERNAL_ERROR"]

    def __init__(
        self,
        message: str | None = None,
        *,
        details: Any = None,
        errors: list[dict] | None = None,
        headers: dict[str, str] | None = None,
    ):
        self.message = message or self.default_message
        self.details = details
        self.errors = errors or []
        self.headers = headers or {}
        super().__init__(self.message)

    @property
    def explanation(self) -> str:
        """The message with its details, for people reading outside the API (admin pages, commands)."""
        if isinstance(self.details, dict):
            return f"{self.message} ({', '.join(f'{key}: {value}' for key, value in self.details.items())})"
        return f"{self.message} ({self.details})" if self.details else self.message


def _error(name: str, code: str, status: int, message: str) -> type[ApplicationError]:
    MESSAGES[code] = message
    return type(name, (ApplicationError,), {"code": code, "status_code": status, "default_message": message})


ValidationFailed = _error("ValidationFailed", "VALIDATION_ERROR", 400, "Validation failed")
InvalidMobileNumber = _error("InvalidMobileNumber", "INVALID_MOBILE_NUMBER", 400, "Invalid mobile number")
OtpInvalid = _error("OtpInvalid", "OTP_INVALID", 400, "Invalid OTP")
OtpExpired = _error("OtpExpired", "OTP_EXPIRED", 401, "OTP has expired")
OtpMaxAttempts = _error("OtpMaxAttempts", "OTP_MAX_ATTEMPTS", 401, "Too many wrong attempts; request a new OTP")
OtpNotFound = _error("OtpNotFound", "OTP_NOT_FOUND", 404, "No OTP found for this number; request a new one")
AuthenticationRequired = _error("AuthenticationRequired", "AUTHENTICATION_REQUIRED", 401, "Authentication required")
TokenExpired = _error("TokenExpired", "TOKEN_EXPIRED", 401, "Token has expired")
TokenInvalid = _error("TokenInvalid", "TOKEN_INVALID", 401, "Token is invalid")
UserInactive = _error("UserInactive", "USER_INACTIVE", 401, "Account is deactivated")
PermissionDenied = _error("PermissionDenied", "PERMISSION_DENIED", 403, "You do not have permission to do this")
NotFound = _error("NotFound", "NOT_FOUND", 404, "Not found")
UserNotFound = _error("UserNotFound", "USER_NOT_FOUND", 404, "User not found")
DoctorNotFound = _error("DoctorNotFound", "DOCTOR_NOT_FOUND", 404, "Doctor not found")
AppointmentNotFound = _error("AppointmentNotFound", "APPOINTMENT_NOT_FOUND", 404, "Appointment not found")
FileNotFound = _error("FileNotFound", "FILE_NOT_FOUND", 404, "File not found")
SlotUnavailable = _error("SlotUnavailable", "SLOT_UNAVAILABLE", 409, "Selected time slot is not available")
InvalidStatusTransition = _error(
    "InvalidStatusTransition", "INVALID_STATUS_TRANSITION", 409, "This status change is not allowed"
)
AppointmentCancelled = _error("AppointmentCancelled", "APPOINTMENT_CANCELLED", 409, "Appointment is cancelled")
AlreadyExists = _error("AlreadyExists", "ALREADY_EXISTS", 409, "Already exists")
BookingLimitReached = _error(
    "BookingLimitReached", "BOOKING_LIMIT_REACHED", 409, "You already hold the maximum number of upcoming bookings"
)
FamilyLimitReached = _error(
    "FamilyLimitReached", "FAMILY_LIMIT_REACHED", 409, "This account already holds the maximum number of family members"
)
PatientAmbiguous = _error(
    "PatientAmbiguous", "PATIENT_AMBIGUOUS", 409, "This number's account has no one of that name; choose the person"
)
PaymentExceedsFee = _error(
    "PaymentExceedsFee", "PAYMENT_EXCEEDS_FEE", 409, "The amount is more than the consultation fee"
)
PaymentNotRecorded = _error(
    "PaymentNotRecorded", "PAYMENT_NOT_RECORDED", 409, "No payment has been recorded for this appointment"
)
FileTooLarge = _error("FileTooLarge", "FILE_TOO_LARGE", 413, "File is too large")
TooManyFiles = _error("TooManyFiles", "TOO_MANY_FILES", 400, "Too many files")
InvalidFileType = _error("InvalidFileType", "INVALID_FILE_TYPE", 400, "Only JPEG, PNG and PDF files are allowed")
RateLimitExceeded = _error("RateLimitExceeded", "RATE_LIMIT_EXCEEDED", 429, "Too many requests; try again later")
OtpResendTooSoon = _error("OtpResendTooSoon", "OTP_RESEND_TOO_SOON", 429, "Please wait before requesting another OTP")
SmsDeliveryFailed = _error("SmsDeliveryFailed", "SMS_DELIVERY_FAILED", 503, "Could not send the SMS; try again")
ServiceUnavailable = _error("ServiceUnavailable", "SERVICE_UNAVAILABLE", 503, "Service temporarily unavailable")


def retry_after(seconds: float) -> dict[str, str]:
    """`Retry-After` header value for a 429, at least one second."""
    return {"Retry-After": str(max(1, int(seconds + 0.999)))}
