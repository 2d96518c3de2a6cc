from django.urls import include, path

urlpatterns = [
    path("", include("accounts.urls_auth")),  # /api/auth/... (sign-in, tokens)
    path("", include("accounts.urls_avatar")),  # /api/users/profile/avatar
    path("", include("accounts.urls_people")),  # /api/users/..., /api/admin/... (people)
]
