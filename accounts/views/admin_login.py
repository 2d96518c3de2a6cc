"""`/admin/login/`: the app's SMS-code sign-in, for admins and receptionists only.

Where it lands (SPEC.md §10): a safe `next` is honoured for everyone (an unsafe one, another host
or scheme, is dropped by Django's `LoginView.get_redirect_url`); without one a receptionist lands
on Today (`/admin/frontdesk/today/`), an admin on the admin home.
"""

from django.contrib.auth.views import LoginView
from django.db.models import QuerySet
from django.urls import reverse

from accounts.models import User
from accounts.views.pages import OtpStepForm, otp_step
from arthomed.core.roles import STAFF_ROLES, Role


class AdminOtpLoginForm(OtpStepForm):
    no_account_message = "This number cannot sign in to the admin."


def staff_users() -> QuerySet[User]:
    return User.objects.filter(is_active=True, role__in=STAFF_ROLES)


def staff_landing_url(user: User) -> str:
    """A receptionist's landing page is Today; everyone else's the admin home."""
    if user.is_authenticated and user.role == Role.RECEPTIONIST:
        return reverse("frontdesk:today")
    return reverse("admin:index")


class StaffLoginView(LoginView):
    authentication_form = AdminOtpLoginForm

    def form_valid(self, form):
        # A code goes to any number that asks, as in the app, so the page answers the same
        # for staff and other numbers; only the holder of a valid code learns which it is.
        if otp_step(self.request, form, eligible=staff_users()) is None:
            return self.form_invalid(form)
        return super().form_valid(form)

    def get_default_redirect_url(self) -> str:
        """No (safe) `next`: the signed-in person's landing page."""
        return staff_landing_url(self.request.user)
