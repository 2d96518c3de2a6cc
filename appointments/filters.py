"""Query parameters of the appointment lists (SPEC.md §5), as django-filter FilterSets.

The API's parameters are camelCase (`doctorId`); CamelCaseQueryMiddleware hands them to
views snake_case, so filters are declared snake_case. drf-spectacular documents them from
here (camelCased by the schema hook), and a bad value answers the 400 VALIDATION_ERROR
envelope naming the camelCase parameter.
"""

import django_filters
from django import forms
from django_filters.fields import BaseCSVField

from appointments.models import AppointmentStatus
from appointments.selectors.appointments import MY_APPOINTMENT_TABS, appointments_in_tab, appointments_matching
from arthomed.api.filters import FilterSet, StrictBooleanFilter


class NonEmptyCSVField(BaseCSVField):
    """A list parameter that names no value at all (`status=,`) is refused, not read as "no filter"."""

    def clean(self, value):
        if value is not None and not any(item.strip() for item in value):
            raise forms.ValidationError("Give one value or a comma-separated list", code="invalid")
        return super().clean(value)


class StatusListFilter(django_filters.BaseInFilter, django_filters.ChoiceFilter):
    """`status=pending` or `status=pending,confirmed`."""

    base_field_class = NonEmptyCSVField


class DateRangeForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and start > end:
            self.add_error("end_date", "End date must not be before the start date")
        return cleaned


class AppointmentDateRangeFilter(FilterSet):
    start_date = django_filters.DateFilter(
        field_name="appointment_date", lookup_expr="gte", help_text="From this day (YYYY-MM-DD), inclusive"
    )
    end_date = django_filters.DateFilter(
        field_name="appointment_date", lookup_expr="lte", help_text="Up to this day (YYYY-MM-DD), inclusive"
    )

    class Meta:
        form = DateRangeForm
        fields: list[str] = []


class PendingAppointmentFilter(AppointmentDateRangeFilter):
    """The front desk's pending queue, narrowed to a doctor, a patient, a day or a search."""

    doctor_id = django_filters.UUIDFilter(field_name="doctor_id", help_text="The doctor's `_id`")
    patient_id = django_filters.UUIDFilter(field_name="patient_id", help_text="The patient's `_id`")
    date = django_filters.DateFilter(field_name="appointment_date", help_text="One day (YYYY-MM-DD)")
    search = django_filters.CharFilter(method="filter_search", max_length=100, help_text="Patient name or mobile")

    def filter_search(self, queryset, name, value):
        return appointments_matching(queryset, search=value)


class AppointmentFilter(PendingAppointmentFilter):
    """The staff list: every appointment, filtered."""

    status = StatusListFilter(
        field_name="status", choices=AppointmentStatus.choices, help_text="One status or a comma-separated list"
    )


class MyAppointmentFilter(AppointmentDateRangeFilter):
    """A patient's or doctor's own list; `tab` also decides the order (upcoming soonest first)."""

    status = StatusListFilter(
        field_name="status", choices=AppointmentStatus.choices, help_text="One status or a comma-separated list"
    )
    tab = django_filters.ChoiceFilter(
        choices=[(tab, tab) for tab in MY_APPOINTMENT_TABS], method="filter_tab", help_text="Which tab of the app"
    )

    def filter_tab(self, queryset, name, value):
        return appointments_in_tab(queryset, tab=value)


class NotificationFilter(FilterSet):
    unread = StrictBooleanFilter(method="filter_unread", help_text="true: only unread entries")

    def filter_unread(self, queryset, name, value):
        return queryset.filter(is_read=False) if value else queryset
