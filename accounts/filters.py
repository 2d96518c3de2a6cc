"""Query parameters of the people lists (SPEC.md §4), as django-filter FilterSets.

Declared snake_case: the API's camelCase parameters (`isActive`) reach views snake_case
(CamelCaseQueryMiddleware), and the schema and error envelope camelCase them again.
"""

import django_filters

from accounts.selectors.people import doctors_matching, users_matching
from arthomed.api.filters import FilterSet, StrictBooleanFilter
from arthomed.core.roles import Role


class UserFilter(FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices, help_text="Only users of this role")
    is_active = StrictBooleanFilter(field_name="is_active", help_text="true: active users; false: deactivated")
    search = django_filters.CharFilter(method="filter_search", max_length=100, help_text="Name or mobile number")

    def filter_search(self, queryset, name, value):
        return users_matching(queryset, search=value)


class DoctorFilter(FilterSet):
    specialization = django_filters.CharFilter(
        field_name="doctor_profile__specialization",
        lookup_expr="iexact",
        max_length=100,
        help_text="Exactly this specialization, case-insensitive",
    )
    search = django_filters.CharFilter(method="filter_search", max_length=100, help_text="Name or specialization")

    def filter_search(self, queryset, name, value):
        return doctors_matching(queryset, search=value)
