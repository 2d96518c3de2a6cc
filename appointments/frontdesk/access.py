"""Who may open a front-desk page: admins and receptionists; anyone else signed in gets the admin's 403."""

from functools import wraps

from django.contrib import admin
from django.core.exceptions import PermissionDenied


def frontdesk_page(view):
    """`admin.site.admin_view` (sign-in redirect, CSRF, no caching) plus the role check.

    A signed-in user who is not staff (a doctor, a patient) is refused with the admin's styled 403
    (arthomed/admin_errors.py) rather than sent to the login form they already passed.
    """
    admin_page = admin.site.admin_view(view)

    @wraps(view)
    def page(request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not user.is_staff:
            raise PermissionDenied
        return admin_page(request, *args, **kwargs)

    return page
