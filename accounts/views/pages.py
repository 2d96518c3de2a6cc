"""Public HTML pages signed with an SMS code: account deletion, and the form the admin login reuses."""

from django import forms
from django.db.models import QuerySet
from django.shortcuts import render
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from accounts.models import User
from accounts.phone import normalize_mobile
from accounts.services.auth import OTP_SENT_MESSAGE, otp_check, otp_send
from accounts.services.users import user_delete_account
from arthomed.api.clientip import client_ip
from arthomed.core.errors import ApplicationError

SEND = "send"


class OtpStepForm(forms.Form):
    """Two steps in one form: a number alone asks for a code; number + code proves the number.

    The form checks only the shape; the view runs the step through the sign-in service
    (`otp_step`), so every OTP rule (expiry, attempts, cooldown, hourly caps) is the app's.
    """

    code_sent_message = "We have sent a 6-digit code by SMS to this number. Enter it below."
    no_account_message = "There is no active account with this mobile number."

    mobile_number = forms.CharField(label="Mobile number", max_length=20)
    otp = forms.CharField(
        label="SMS code",
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user_cache: User | None = None
        self.code_sent = False
        super().__init__(*args, **kwargs)

    def clean_mobile_number(self) -> str:
        try:
            return normalize_mobile(self.cleaned_data["mobile_number"])
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from exc

    def wants_code(self) -> bool:
        return self.data.get("action") == SEND or not self.cleaned_data.get("otp")

    def ready_for_code(self) -> bool:
        """Other checks that must pass before the code is spent (it can be used once only)."""
        return True

    def get_user(self) -> User | None:
        return self.user_cache


def otp_step(request, form: OtpStepForm, *, eligible: QuerySet[User]) -> User | None:
    """Run one step of a valid form: send a code, or check it and return the eligible user.

    A code is sent to whichever number asks, as by the app's send-otp, so the answer is the
    same whether the number has an (eligible) account; only the holder of a valid code is
    told that it cannot sign in here. Errors are put on the form; None means "show it again".
    """
    number = form.cleaned_data["mobile_number"]
    try:
        if form.wants_code():
            sent = otp_send(mobile_number=number, ip_address=client_ip(request))
            form.code_sent = True
            form.add_error("otp", form.code_sent_message if sent["message"] == OTP_SENT_MESSAGE else sent["message"])
            return None
        if not form.ready_for_code():
            return None
        otp_check(mobile_number=number, code=form.cleaned_data["otp"])
    except ApplicationError as exc:
        form.add_error("otp", exc.message)
        return None
    form.user_cache = eligible.filter(mobile_number=number).first()
    if form.user_cache is None:
        form.add_error("mobile_number", form.no_account_message)
    return form.user_cache


class AccountDeletionForm(OtpStepForm):
    confirm = forms.BooleanField(
        label="I understand my account and personal data will be deleted. This cannot be undone.", required=False
    )

    def ready_for_code(self) -> bool:
        if not self.cleaned_data.get("confirm"):
            self.add_error("confirm", "Tick the box to confirm the deletion.")
            return False
        return True


@csrf_protect
@require_http_methods(["GET", "POST"])
def account_deletion(request):
    """`/account-deletion`: explains deletion (for app-store reviewers) and performs it after an SMS code."""
    deleted = False
    if request.method == "POST":
        form = AccountDeletionForm(request, data=request.POST)
        user = otp_step(request, form, eligible=User.objects.filter(is_active=True)) if form.is_valid() else None
        if user is not None:
            user_delete_account(user=user)
            deleted = True
            form = AccountDeletionForm(request)
    else:
        form = AccountDeletionForm(request)
    return render(request, "account_deletion.html", {"form": form, "deleted": deleted})
