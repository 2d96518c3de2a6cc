"""HTML error pages inside the Django admin: a refused admin page keeps the admin's chrome."""

from django.contrib import admin
from django.shortcuts import render
from django.urls import reverse
from django.views import defaults


def permission_denied(request, exception=None):
    if not request.path.startswith(reverse("admin:index")):
        return defaults.permission_denied(request, exception)
    context = admin.site.each_context(request) | {"title": "Permission denied"}
    return render(request, "admin/403.html", context, status=403)
