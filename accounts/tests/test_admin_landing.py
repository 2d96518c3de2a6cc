"""Where the admin sign-in lands (SPEC.md §10): a receptionist on Today, an admin on the admin home,
an explicit safe `next` for both, an unsafe one never."""

import html
import re
from urllib.parse import urlencode

import pytest
from django.test import Client

from arthomed import sms

pytestmark = pytest.mark.django_db
TODAY = "/admin/frontdesk/today/"
LOGIN = "/admin/login/"


def sign_in(user, *, next_url: str | None = None) -> tuple[Client, object]:
    """Both steps as a browser sends them: the form's hidden `next` is whatever the page rendered."""
    client = Client()
    url = LOGIN if next_url is None else f"{LOGIN}?{urlencode({'next': next_url})}"
    page = client.get(url)
    hidden = html.unescape(re.search(r'name="next" value="([^"]*)"', page.content.decode()).group(1))
    client.post(url, {"mobile_number": user.mobile_number, "action": "send"})
    code = re.match(r"\d{6}", sms.outbox[-1].body).group(0)
    response = client.post(url, {"mobile_number": user.mobile_number, "otp": code, "next": hidden})
    return client, response


def test_a_receptionist_lands_on_today(receptionist):
    client, response = sign_in(receptionist)
    assert response.status_code == 302 and response.url == TODAY
    assert client.get(TODAY).status_code == 200


def test_an_admin_lands_on_the_admin_home(admin_user):
    _, response = sign_in(admin_user)
    assert response.status_code == 302 and response.url == "/admin/"


@pytest.mark.parametrize(
    ("who", "next_url"),
    [("receptionist", "/admin/appointments/appointment/"), ("receptionist", "/admin/"), ("admin_user", TODAY)],
)
def test_an_explicit_safe_next_is_honoured(request, who, next_url):
    _, response = sign_in(request.getfixturevalue(who), next_url=next_url)
    assert response.status_code == 302 and response.url == next_url


@pytest.mark.parametrize("unsafe", ["https://evil.example/admin/", "//evil.example/", "javascript:alert(1)"])
@pytest.mark.parametrize(("who", "landing"), [("receptionist", TODAY), ("admin_user", "/admin/")])
def test_an_unsafe_next_is_ignored_for_the_landing_page(request, who, landing, unsafe):
    _, response = sign_in(request.getfixturevalue(who), next_url=unsafe)
    assert response.status_code == 302 and response.url == landing


@pytest.mark.parametrize(("who", "landing"), [("receptionist", TODAY), ("admin_user", "/admin/")])
def test_the_sign_in_page_sends_someone_signed_in_to_their_landing_page(request, who, landing):
    client = Client()
    client.force_login(request.getfixturevalue(who))
    response = client.get(LOGIN)
    assert response.status_code == 302 and response.url == landing


def test_the_admin_home_stays_a_receptionists_home_link(receptionist):
    client = Client()
    client.force_login(receptionist)
    home = client.get("/admin/")
    assert home.status_code == 200 and TODAY.encode() in home.content  # Today's board, first on the home
    today = client.get(TODAY).content.decode()
    assert '<a href="/admin/">Home</a>' in today  # the breadcrumb back to the admin home
