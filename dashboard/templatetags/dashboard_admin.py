"""The Django admin home's numbers: the admin dashboard for admins, today's queue for the front desk."""

from django import template

from arthomed.core.roles import Role
from dashboard import selectors

register = template.Library()


@register.simple_tag
def admin_home(user) -> dict | None:
    """What the admin index shows above the app list for this user (None: nothing extra)."""
    role = getattr(user, "role", None)
    if role == Role.ADMIN:
        return {"role": role, **selectors.admin_dashboard_get()}
    if role == Role.RECEPTIONIST:
        return {"role": role, **selectors.receptionist_dashboard()}
    return None
