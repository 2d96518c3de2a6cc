"""The front desk (SPEC.md §10): custom Django admin pages for the receptionist's day.

Each page is a plain view wrapped by `admin.site.admin_view` (staff sign-in, the admin's own
login redirect) and rendered inside the admin's layout. Pages are adapters like the API's views:
they read through selectors and act through the same services, never writing rows themselves.
"""
