"""`ViewOnlyAdmin`: an admin page or inline that shows rows and never adds, changes or deletes them
(the rows change through their services: leave pages, family booking, the lifecycle, the SMS worker)."""


class ViewOnlyAdmin:
    """Mix in before `admin.ModelAdmin` or an inline class."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
