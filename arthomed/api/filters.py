"""django-filter pieces shared by the apps' FilterSets."""

import copy

import django_filters
from django import forms
from django_filters.rest_framework import DjangoFilterBackend

TRUE_VALUES = frozenset({"true", "1", "yes", "on"})
FALSE_VALUES = frozenset({"false", "0", "no", "off"})


class StrictBooleanField(forms.NullBooleanField):
    """`true`/`false` (also 1/0, yes/no, on/off); anything else is a 400, not silently ignored."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in TRUE_VALUES:
            return True
        if text in FALSE_VALUES:
            return False
        raise forms.ValidationError("Must be true or false", code="invalid")

    def validate(self, value):
        return None


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


# (FilterSet class, model) -> its form class; see FilterSet.get_form_class.
_FORM_CLASSES: dict = {}


class FilterSet(django_filters.FilterSet):
    """The apps' FilterSets: django-filter's, with the per-request work that never changes done once.

    - django-filter builds a new form class (`type(...)` over fresh form fields) on every request;
      here it is built once per FilterSet class and model and reused. Each form still gets its own
      copies of the fields (Django's forms deep-copy `base_fields`), so requests share nothing.
    - `given_in(params)` tells whether a request names any of the filters' parameters at all;
      FilterBackend skips the FilterSet when it names none. That is only exact because every
      FilterSet here filters nothing and refuses nothing without parameters (no required filter,
      no form check that fails on empty input) — a test holds every subclass to it.
    """

    def get_form_class(self):
        key = (type(self), self.queryset.model)
        form_class = _FORM_CLASSES.get(key)
        if form_class is None:
            form_class = _FORM_CLASSES[key] = super().get_form_class()
        return form_class

    @classmethod
    def given_in(cls, params) -> bool:
        """Whether `params` holds a value (even an empty one) for any of this FilterSet's form fields."""
        return any(
            not field.widget.value_omitted_from_data(params, {}, name) for name, field in cls._form_fields().items()
        )

    @classmethod
    def _form_fields(cls) -> dict:
        # The form fields of the filters as declared; widgets decide what "given" means (a range's two names).
        # Built from copies: a field built on a declared filter would stick to it (and to every copy).
        fields = cls.__dict__.get("_declared_form_fields")
        if fields is None:
            fields = {name: filter_.field for name, filter_ in copy.deepcopy(cls.base_filters).items()}
            cls._declared_form_fields = fields
        return fields


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, skipping a FilterSet the request gives no parameter of (see FilterSet)."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if (
            filterset_class is not None
            and issubclass(filterset_class, FilterSet)
            and not filterset_class.given_in(request.query_params)
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)
