"""People endpoints, spelled as in SPEC.md §4. Leave endpoints live with scheduling."""

from django.urls import path

from accounts.views import people

urlpatterns = [
    path("users/profile", people.ProfileView.as_view(), name="users-profile"),
    path("users/doctors", people.DoctorListView.as_view(), name="users-doctors"),
    path("users/doctors/<str:doctor_id>", people.DoctorDetailView.as_view(), name="users-doctor-detail"),
    path("users/doctors/<str:doctor_id>/schedule", people.DoctorScheduleView.as_view(), name="users-doctor-schedule"),
    path("users", people.UserListView.as_view(), name="users-list"),
    path("admin/create-user", people.AdminCreateUserView.as_view(), name="admin-create-user"),
    path("admin/users/<str:user_id>/status", people.AdminUserStatusView.as_view(), name="admin-user-status"),
]
