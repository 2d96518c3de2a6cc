"""The Django admin site, signed in to with mobile number + SMS code like the app.

Django's own login view authenticates inside the form's `clean()`; here the form only
checks the shape and the view calls the sign-in service (accounts/views/admin_login.py),
so the admin page answers exactly as the app's sign-in does.
"""

from functools import wraps

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse


class StaffAdminSite(admin.AdminSite):
    site_header = "Arthomed administration"
    site_title = "Arthomed admin"

    def admin_view(self, view, cacheable=False):
        """Django's wrapper, except that a signed-in doctor or patient is refused with the admin's
        styled 403 (arthomed/admin_errors.py) instead of being sent round the sign-in page.
        Signing out stays open to them."""
        inner = super().admin_view(view, cacheable)

        @wraps(inner)
        def guarded(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                if request.path == reverse("admin:logout", current_app=self.name):
                    return view(request, *args, **kwargs)
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return guarded

    def login(self, request, extra_context=None):
        """Django's `AdminSite.login`, with the SMS-code view in place of the password one and each
        role's landing page when no `next` is given."""
        # Imported here: this module is loaded with the app registry, before models are ready.
        from accounts.views.admin_login import StaffLoginView, staff_landing_url

        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(staff_landing_url(request.user))
        context = {
            **self.each_context(request),
            "title": "Log in",
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
        }
        # Unlike Django's, no default `next` (the admin home) here: without one the view sends each
        # person to their landing page (a receptionist to Today, `staff_landing_url`).
        context.update(extra_context or {})
        request.current_app = self.name
        view = StaffLoginView.as_view(extra_context=context, template_name=self.login_template or "admin/login.html")
        return view(request)


class StaffAdminConfig(AdminConfig):
    default_site = "accounts.admin_site.StaffAdminSite"
