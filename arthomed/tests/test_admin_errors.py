"""A staff member refused an admin page sees the admin's styled 403, and the log holds no traceback."""

import logging

import pytest
from django.test import Client


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_receptionist_on_an_admin_only_page_gets_the_admin_403(receptionist, admin_user, caplog, capfd):
    assert signed_in(admin_user).get("/admin/auth/group/").status_code == 200
    capfd.readouterr()

    with caplog.at_level(logging.DEBUG):
        response = signed_in(receptionist).get("/admin/auth/group/")

    assert response.status_code == 403
    page = response.content.decode()
    assert 'id="header"' in page
    assert "Arthomed administration" in page  # the admin's own header, not Django's bare page
    assert "<h1>Permission denied</h1>" in page
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING or record.exc_info]
    out, err = capfd.readouterr()
    assert "Traceback" not in out + err
    assert "Forbidden" not in out + err


@pytest.mark.django_db
def test_api_403_stays_json(receptionist, as_user):
    response = as_user(receptionist).get("/api/users")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "PERMISSION_DENIED"
