"""Public HTML pages (account deletion)."""

from django.urls import path

from accounts.views.pages import account_deletion

urlpatterns = [
    path("account-deletion", account_deletion, name="account-deletion"),
]
