"""Role permissions, composed with `&` / `|`. Deny by default (IsAuthenticated is the default)."""

from rest_framework.permissions import BasePermission

from arthomed.core.roles import Role


def _has_role(request, *roles: str) -> bool:
    user = request.user
    return bool(user and user.is_authenticated and user.role in roles)


class IsAdmin(BasePermission):
    def has_permission(self, request, view) -> bool:
        return _has_role(request, Role.ADMIN)


class IsDoctor(BasePermission):
    def has_permission(self, request, view) -> bool:
        return _has_role(request, Role.DOCTOR)


class IsReceptionist(BasePermission):
    def has_permission(self, request, view) -> bool:
        return _has_role(request, Role.RECEPTIONIST)


class IsPatient(BasePermission):
    def has_permission(self, request, view) -> bool:
        return _has_role(request, Role.PATIENT)


class IsStaff(BasePermission):
    """Admins and receptionists: the clinic's front office."""

    def has_permission(self, request, view) -> bool:
        return _has_role(request, Role.ADMIN, Role.RECEPTIONIST)
