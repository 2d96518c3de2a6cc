"""The in-app feed: own entries only, paginated, unread filter and count, mark read."""

import uuid

import pytest

from appointments.models import Notification, NotificationKind
from appointments.tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db


def entry(user, title="Appointment confirmed", *, is_read=False, appointment=None):
    return Notification.objects.create(
        user=user,
        kind=NotificationKind.CONFIRMED,
        title=title,
        body=f"{title}.",
        is_read=is_read,
        appointment=appointment,
    )


@pytest.fixture
def feed(patient, make_user):
    other = make_user(name="Omar Other")
    mine = [entry(patient, f"Mine {i}", is_read=i < 2) for i in range(5)]
    theirs = entry(other, "Theirs")
    return {"mine": mine, "theirs": theirs, "other": other}


def test_list_shows_own_entries_newest_first_with_unread_count(as_user, patient, feed):
    response = as_user(patient).get("/api/notifications")
    assert response.status_code == 200
    data = response.json()["data"]
    assert [item["title"] for item in data["items"]] == [f"Mine {i}" for i in reversed(range(5))]
    assert data["unreadCount"] == 3
    assert data["pagination"] == {
        "current": 1,
        "pages": 1,
        "total": 5,
        "limit": 10,
        "hasNext": False,
        "hasPrev": False,
    }
    item = data["items"][0]
    assert set(item) == {"_id", "kind", "title", "body", "appointmentId", "isRead", "readAt", "createdAt"}
    assert item["isRead"] is False


def test_unread_filter_and_pagination(as_user, patient, feed):
    response = as_user(patient).get("/api/notifications", {"unread": "true", "limit": 2, "page": 2})
    data = response.json()["data"]
    assert [item["title"] for item in data["items"]] == ["Mine 2"]
    assert data["pagination"]["total"] == 3
    assert data["pagination"]["hasPrev"] is True
    assert data["unreadCount"] == 3


def test_entry_names_its_appointment(as_user, patient, doctor):
    appointment = AppointmentFactory(patient=patient, doctor=doctor)
    entry(patient, appointment=appointment)
    item = as_user(patient).get("/api/notifications").json()["data"]["items"][0]
    assert item["appointmentId"] == str(appointment.id)


@pytest.mark.parametrize("query", [{"unread": "maybe"}, {"limit": 0}, {"limit": 101}, {"page": "x"}])
def test_bad_query_is_a_validation_error(as_user, patient, query):
    response = as_user(patient).get("/api/notifications", query)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


def test_mark_one_read(as_user, patient, feed):
    target = feed["mine"][4]
    response = as_user(patient).put(f"/api/notifications/{target.id}/read")
    assert response.status_code == 200
    body = response.json()["data"]["notification"]
    assert body["_id"] == str(target.id)
    assert body["isRead"] is True
    assert body["readAt"]
    target.refresh_from_db()
    assert target.is_read
    again = as_user(patient).put(f"/api/notifications/{target.id}/read")
    assert again.status_code == 200
    assert again.json()["data"]["notification"]["readAt"] == body["readAt"]


@pytest.mark.parametrize("which", ["someone-elses", "missing", "malformed"])
def test_marking_anything_but_your_own_is_not_found(as_user, patient, feed, which):
    pk = {"someone-elses": feed["theirs"].id, "missing": uuid.uuid4(), "malformed": "not-an-id"}[which]
    response = as_user(patient).put(f"/api/notifications/{pk}/read")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"
    feed["theirs"].refresh_from_db()
    assert feed["theirs"].is_read is False


def test_mark_all_read_touches_only_own_entries(as_user, patient, feed):
    response = as_user(patient).put("/api/notifications/read-all")
    assert response.status_code == 200
    assert response.json()["data"] == {"updated": 3, "unreadCount": 0}
    assert not Notification.objects.filter(user=patient, is_read=False).exists()
    assert Notification.objects.filter(user=feed["other"], is_read=False).count() == 1
    assert as_user(patient).get("/api/notifications").json()["data"]["unreadCount"] == 0


@pytest.mark.parametrize("role_fixture", ["doctor", "receptionist", "admin_user"])
def test_every_role_has_its_own_feed(request, as_user, role_fixture, feed):
    user = request.getfixturevalue(role_fixture)
    entry(user, "For staff")
    data = as_user(user).get("/api/notifications").json()["data"]
    assert [item["title"] for item in data["items"]] == ["For staff"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/notifications"),
        ("put", "/api/notifications/read-all"),
        ("put", f"/api/notifications/{uuid.uuid4()}/read"),
    ],
)
def test_anonymous_is_refused(api, method, path):
    response = getattr(api, method)(path)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "AUTHENTICATION_REQUIRED"


def test_list_query_count_does_not_grow_with_the_feed(as_user, patient, django_assert_max_num_queries):
    for i in range(30):
        entry(patient, f"Entry {i}")
    client = as_user(patient)
    with django_assert_max_num_queries(5):
        response = client.get("/api/notifications", {"limit": 30})
    assert len(response.json()["data"]["items"]) == 30
