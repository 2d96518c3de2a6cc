from django.urls import path

from dashboard import views

urlpatterns = [
    path("admin/dashboard", views.AdminDashboardView.as_view(), name="admin-dashboard"),
    path("dashboard", views.RoleDashboardView.as_view(), name="role-dashboard"),
]
