"""Start-up guard: production never runs without a SECRET_KEY (it also signs the JWTs)."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

NO_SECRET_KEY_MESSAGE = "SECRET_KEY is required when DEBUG is false (see .env.example)."  # noqa: S105 - a message, not a key


def secret_key_is_set() -> bool:
    return not settings.SECRET_KEY_MISSING


@register(Tags.security, deploy=True)
def secret_key_check(app_configs, **kwargs) -> list[Error]:
    return [] if secret_key_is_set() else [Error(NO_SECRET_KEY_MESSAGE, id="arthomed.E001")]


def require_secret_key() -> None:
    if not secret_key_is_set():
        raise ImproperlyConfigured(NO_SECRET_KEY_MESSAGE)
