"""`/admin/login/`: the app's SMS-code sign-in, for admins and receptionists only."""

from django.contrib.auth.views import LoginView
from django.db.models import QuerySet

from accounts.models import User
from accounts.views.pages import OtpStepForm, otp_step
from arthomed.core.roles import STAFF_ROLES


class AdminOtpLoginForm(OtpStepForm):
    no_account_message = "This number cannot sign in to the admin."


def staff_users() -> QuerySet[User]:
    return User.objects.filter(is_active=True, role__in=STAFF_ROLES)


class StaffLoginView(LoginView):
    authentication_form = AdminOtpLoginForm

    def form_valid(self, form):
        # A code goes to any number that asks, as in the app, so the page answers the same
        # for staff and other numbers; only the holder of a valid code learns which it is.
        if otp_step(self.request, form, eligible=staff_users()) is None:
            return self.form_invalid(form)
        return super().form_valid(form)
