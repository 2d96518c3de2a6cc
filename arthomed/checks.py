"""Start-up guards: production never runs without a SECRET_KEY (it also signs the JWTs), nor with
the console SMS backend, which writes every sign-in code into the logs, unless explicitly allowed."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

NO_SECRET_KEY_MESSAGE = "SECRET_KEY is required when DEBUG is false (see .env.example)."  # noqa: S105 - a message, not a key
CONSOLE_SMS_MESSAGE = (
    "SMS_BACKEND=console prints sign-in codes to the log: with DEBUG false, use SMS_BACKEND=twilio, "
    "or set ALLOW_CONSOLE_SMS=true for a trial where codes are read from the log on purpose."
)


def startup_errors() -> list[Error]:
    errors = []
    if settings.SECRET_KEY_MISSING:
        errors.append(Error(NO_SECRET_KEY_MESSAGE, id="arthomed.E001"))
    if not settings.DEBUG and settings.SMS_BACKEND == "console" and not settings.ALLOW_CONSOLE_SMS:
        errors.append(Error(CONSOLE_SMS_MESSAGE, id="arthomed.E002"))
    return errors


@register(Tags.security, deploy=True)
def production_settings_check(app_configs, **kwargs) -> list[Error]:
    return startup_errors()


def require_production_settings() -> None:
    """Called by wsgi.py: refuse to serve rather than run unsafely."""
    errors = startup_errors()
    if errors:
        raise ImproperlyConfigured(" ".join(error.msg for error in errors))
