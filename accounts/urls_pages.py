"""Public HTML pages (account deletion)."""

urlpatterns: list = []
