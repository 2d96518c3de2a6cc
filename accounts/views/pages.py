"""Public HTML pages signed with an SMS code: account deletion, and the form the admin login reuses."""

from django import forms
from django.db.models import QuerySet
from django.shortcuts import render
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from accounts.models import User
from accounts.phone import normalize_mobile
from accounts.services.auth import otp_check, otp_send
from accounts.services.users import user_delete_account
from arthomed.api.clientip import client_ip
from arthomed.core.errors import ApplicationError

SEND = "send"


class OtpStepForm(forms.Form):
    """Two steps in one form: a number alone asks for a code; number + code proves the number.

    Codes go only to numbers with an eligible account, but the answer is the same either
    way, so the form does not reveal who has an account. All OTP rules (expiry, attempts,
    cooldown, hourly caps) are the sign-in service's.
    """

    code_sent_message = "If this number has an account, we have sent it a 6-digit code by SMS. Enter it below."
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

    def eligible_users(self) -> QuerySet[User]:
        return User.objects.filter(is_active=True)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            number = normalize_mobile(cleaned["mobile_number"])
        except ApplicationError as exc:
            self.add_error("mobile_number", exc.message)
            return cleaned
        cleaned["mobile_number"] = number
        user = self.eligible_users().filter(mobile_number=number).first()
        wants_code = self.data.get("action") == SEND or not cleaned.get("otp")
        try:
            if wants_code:
                if user is not None:
                    otp_send(mobile_number=number, ip_address=client_ip(self.request) if self.request else None)
                self.code_sent = True
                self.add_error("otp", self.code_sent_message)
                return cleaned
            if not self.ready_for_code(cleaned):
                return cleaned
            otp_check(mobile_number=number, code=cleaned["otp"])
        except ApplicationError as exc:
            self.add_error("otp", exc.message)
            return cleaned
        if user is None:
            self.add_error("mobile_number", self.no_account_message)
        self.user_cache = user
        return cleaned

    def ready_for_code(self, cleaned: dict) -> bool:
        """Other checks that must pass before the code is spent (it can be used once only)."""
        return True

    def get_user(self) -> User | None:
        return self.user_cache


class AccountDeletionForm(OtpStepForm):
    confirm = forms.BooleanField(
        label="I understand my account and personal data will be deleted. This cannot be undone.", required=False
    )

    def ready_for_code(self, cleaned: dict) -> bool:
        if not cleaned.get("confirm"):
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
        if form.is_valid():
            user_delete_account(user=form.get_user())
            deleted = True
            form = AccountDeletionForm(request)
    else:
        form = AccountDeletionForm(request)
    return render(request, "account_deletion.html", {"form": form, "deleted": deleted})
