"""List filters (django-filter FilterSets): camelCase parameters, documented in the schema, bad values named."""

import datetime as dt

import pytest
from django.http import QueryDict
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from accounts.models import User
from appointments.filters import MyAppointmentFilter
from appointments.models import Appointment, Notification, NotificationKind
from appointments.models import AppointmentStatus as S
from appointments.tests.factories import AppointmentFactory
from arthomed.api.filters import FilterSet
from arthomed.core.roles import Role

pytestmark = pytest.mark.django_db

LISTS = {
    "/api/appointments": {"status", "doctorId", "patientId", "date", "startDate", "endDate", "search"},
    "/api/appointments/pending": {"doctorId", "patientId", "date", "startDate", "endDate", "search"},
    "/api/appointments/my-appointments": {"status", "tab", "startDate", "endDate"},
    "/api/appointments/my": {"status", "tab", "startDate", "endDate"},
    "/api/users": {"role", "isActive", "search"},
    "/api/users/doctors": {"specialization", "search"},
    "/api/notifications": {"unread"},
}


def test_every_list_documents_its_filters_and_pagination():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, filters in LISTS.items():
        operation = schema["paths"][path]["get"]
        parameters = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
        assert parameters == filters | {"page", "limit"}, path
        # `data` is one page object ({items, pagination}), not a list of pages.
        components = schema["components"]["schemas"]
        envelope = operation["responses"]["200"]["content"]["application/json"]["schema"]
        data = components[envelope["$ref"].rsplit("/", 1)[-1]]["properties"]["data"]
        page = components[data["$ref"].rsplit("/", 1)[-1]]
        assert set(page["required"]) >= {"items", "pagination"}, path


@pytest.mark.parametrize(
    # (path, role of the caller or None for anonymous, query, the parameter the error names)
    "case",
    [
        ("/api/appointments", Role.ADMIN, {"patientId": "x"}, "patientId"),
        ("/api/appointments", Role.RECEPTIONIST, {"status": "pending,done"}, "status"),
        ("/api/appointments", Role.ADMIN, {"date": "2026-02-30"}, "date"),
        ("/api/appointments", Role.ADMIN, {"search": "x" * 101}, "search"),
        ("/api/appointments/pending", Role.RECEPTIONIST, {"doctorId": "nope"}, "doctorId"),
        ("/api/appointments/pending", Role.ADMIN, {"startDate": "2026-03-02", "endDate": "2026-03-01"}, "endDate"),
        ("/api/appointments/my-appointments", Role.PATIENT, {"tab": "past"}, "tab"),
        ("/api/appointments/my", Role.DOCTOR, {"startDate": "yesterday"}, "startDate"),
        ("/api/appointments/my", Role.DOCTOR, {"status": ","}, "status"),
        ("/api/users", Role.ADMIN, {"isActive": "maybe"}, "isActive"),
        ("/api/users", Role.ADMIN, {"role": "boss"}, "role"),
        ("/api/users/doctors", None, {"specialization": "x" * 101}, "specialization"),
        ("/api/notifications", Role.PATIENT, {"unread": "banana"}, "unread"),
    ],
)
def test_a_bad_value_is_a_400_naming_the_parameter(as_user, make_user, case):
    path, role, params, field = case
    response = as_user(make_user(role) if role else None).get(path, params)
    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == "VALIDATION_ERROR"
    assert [error["field"] for error in body["errors"]] == [field]


def test_pending_queue_filters_by_doctor_and_day(as_user, receptionist, patient, doctor, make_user):
    soon = timezone.now() + dt.timedelta(days=2)
    mine = AppointmentFactory(patient=patient, doctor=doctor, status=S.PENDING, starts_at=soon)
    AppointmentFactory(patient=make_user(), doctor=make_user(Role.DOCTOR), status=S.PENDING, starts_at=soon)
    later = soon + dt.timedelta(hours=2)
    AppointmentFactory(patient=make_user(), doctor=doctor, status=S.CONFIRMED, starts_at=later)
    client = as_user(receptionist)
    items = client.get("/api/appointments/pending", {"doctorId": str(doctor.pk)}).json()["data"]["items"]
    assert [item["_id"] for item in items] == [str(mine.pk)]
    other_day = (mine.appointment_date + dt.timedelta(days=1)).isoformat()
    assert client.get("/api/appointments/pending", {"date": other_day}).json()["data"]["items"] == []


def test_unread_false_lists_everything(as_user, patient):
    for is_read in (True, False):
        Notification.objects.create(user=patient, kind=NotificationKind.CONFIRMED, title="t", body="b", is_read=is_read)
    client = as_user(patient)
    assert client.get("/api/notifications", {"unread": "false"}).json()["data"]["pagination"]["total"] == 2
    assert client.get("/api/notifications", {"unread": "1"}).json()["data"]["pagination"]["total"] == 1


def all_filtersets() -> list:
    found, todo = [], [FilterSet]
    while todo:
        subclasses = todo.pop().__subclasses__()
        found += subclasses
        todo += subclasses
    return found


# The model each FilterSet filters (a new FilterSet must be added here: the test below needs its queryset).
FILTERED_MODELS = {
    "UserFilter": User,
    "DoctorFilter": User,
    "AppointmentDateRangeFilter": Appointment,
    "PendingAppointmentFilter": Appointment,
    "AppointmentFilter": Appointment,
    "MyAppointmentFilter": Appointment,
    "NotificationFilter": Notification,
}


def test_every_filterset_is_listed_here():
    assert {cls.__name__ for cls in all_filtersets()} == set(FILTERED_MODELS)


@pytest.mark.parametrize("filterset_class", all_filtersets(), ids=lambda cls: cls.__name__)
def test_a_filterset_given_none_of_its_parameters_filters_and_refuses_nothing(filterset_class):
    """What lets FilterBackend skip a FilterSet the request gives no parameter of."""
    queryset = FILTERED_MODELS[filterset_class.__name__].objects.order_by("pk")
    params = QueryDict("page=2&limit=5&other=x")
    assert not filterset_class.given_in(params)
    filterset = filterset_class(params, queryset=queryset)
    assert filterset.is_valid()
    assert str(filterset.qs.query) == str(queryset.query)
    # Any one of its parameters, even empty, is "given": the FilterSet then runs as django-filter runs it.
    for name in filterset_class.base_filters:
        assert filterset_class.given_in(QueryDict(f"{name}=")), name


def test_the_form_class_is_built_once_per_filterset():
    first = MyAppointmentFilter(QueryDict("tab=upcoming"), queryset=Appointment.objects.all())
    second = MyAppointmentFilter(QueryDict("tab=past"), queryset=Appointment.objects.all())
    assert first.get_form_class() is second.get_form_class()
    assert first.is_valid() and not second.is_valid()
    # Each form has its own fields: nothing of one request's validation reaches the next.
    assert first.form.fields["tab"] is not second.form.fields["tab"]


def test_a_list_without_filter_parameters_builds_no_filterset(as_user, patient, monkeypatch):
    built = []
    original = MyAppointmentFilter.__init__

    def counted(self, *args, **kwargs):
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(MyAppointmentFilter, "__init__", counted)
    assert as_user(patient).get("/api/appointments/my-appointments?page=1&limit=10").status_code == 200
    assert built == []
    assert as_user(patient).get("/api/appointments/my-appointments?tab=upcoming").status_code == 200
    assert len(built) == 1
