"""Who sees what in the admin (SPEC.md §10): the receptionist's index lists exactly the front
office's pages; every refused admin page, for any role, is the admin's styled 403 with a way
back and no traceback, including PermissionDenied raised by a custom page under /admin/frontdesk/."""

import logging

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path

import arthomed.urls
from arthomed.core.roles import Role


def refused_frontdesk_page(request):
    raise PermissionDenied("admins only")


# This module is also the URLconf of the tests marked below: the project's, plus a front-desk page
# that refuses, as the pages under /admin/frontdesk/ do.
urlpatterns = [
    path("admin/frontdesk/refused/", admin.site.admin_view(refused_frontdesk_page)),
    *arthomed.urls.urlpatterns,
]
handler403 = arthomed.urls.handler403
handler404 = arthomed.urls.handler404


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assert_styled_403(response, *, staff: bool) -> None:
    assert response.status_code == 403
    page = response.content.decode()
    assert 'id="header"' in page and "Arthomed administration" in page
    assert "<h1>Permission denied</h1>" in page
    assert "Traceback" not in page
    if staff:
        assert 'href="/admin/"' in page and "Back to the front desk" in page
    else:
        assert 'action="/admin/logout/"' in page and "Sign out and sign in with a staff account" in page


@pytest.mark.django_db
def test_receptionist_index_lists_exactly_the_front_office_pages(receptionist):
    response = signed_in(receptionist).get("/admin/")
    listed = {
        (app["app_label"], model["object_name"]) for app in response.context["app_list"] for model in app["models"]
    }
    assert listed == {
        ("appointments", "Appointment"),
        ("accounts", "User"),
        ("accounts", "DoctorLeave"),
        ("accounts", "FamilyMember"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/auth/group/",
        "/admin/accounts/user/add/",
        "/admin/appointments/outboundmessage/",
        "/admin/appointments/notification/",
        "/admin/files/storedfile/",
        "/admin/files/fileaccesslog/",
        "/admin/appointments/recordaccesslog/",
    ],
)
def test_receptionist_on_admin_only_pages(receptionist, url):
    assert_styled_403(signed_in(receptionist).get(url), staff=True)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.DOCTOR, Role.PATIENT])
@pytest.mark.parametrize("url", ["/admin/", "/admin/accounts/user/", "/admin/appointments/appointment/"])
def test_doctors_and_patients_get_the_styled_403_not_a_login_loop(make_user, role, url, caplog, capfd):
    with caplog.at_level(logging.DEBUG):
        response = signed_in(make_user(role)).get(url)
    assert_styled_403(response, staff=False)
    assert not [record for record in caplog.records if record.exc_info]
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err


@pytest.mark.django_db
def test_a_doctor_may_sign_out_of_the_admin(make_user):
    client = signed_in(make_user(Role.DOCTOR))
    response = client.post("/admin/logout/")
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302  # signed out: the sign-in page, as for anyone


@pytest.mark.django_db
def test_signed_out_visitors_still_go_to_the_sign_in_page():
    response = Client().get("/admin/accounts/user/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_permission_denied_from_a_front_desk_page_is_the_styled_403(receptionist, make_user, caplog, capfd):
    with caplog.at_level(logging.DEBUG):
        assert_styled_403(signed_in(receptionist).get("/admin/frontdesk/refused/"), staff=True)
        assert_styled_403(signed_in(make_user(Role.PATIENT)).get("/admin/frontdesk/refused/"), staff=False)
    assert not [record for record in caplog.records if record.exc_info or record.levelno >= logging.WARNING]
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err
