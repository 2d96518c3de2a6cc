from django.urls import path

from accounts.views.avatar import AvatarUploadView

urlpatterns = [
    path("users/profile/avatar", AvatarUploadView.as_view(), name="profile-avatar"),
]
