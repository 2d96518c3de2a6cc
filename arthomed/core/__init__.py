"""The domain's own vocabulary, free of HTTP: roles, the ApplicationError family, appointment scope.

`arthomed/api/` adapts these to HTTP; services, selectors, the admin, commands and tasks use them directly.
"""
