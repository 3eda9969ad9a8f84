"""One way in: no URL gives a staff member a session without the second factor.

Every URL pattern of the project is enumerated (tests/urlwalk.py). Those that
look like they take credentials must be in CREDENTIAL_ROUTES, where each says
how it is checked; all of them, and then every other route too, are sent a
staff member's right email and password (and username and password) and must
leave the client without a session and the Wagtail admin closed to it.
"""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.test import Client
from django.urls import resolve

from broadsheet.testing import factories
from tests.urlwalk import routes

# Every test here runs at NOW (the autouse ``frozen``), whatever the instant
# CI starts it at: the rerun at a second one would repeat it exactly.
pytestmark = [pytest.mark.django_db, pytest.mark.any_instant]

PASSWORD = "a staff passphrase"
SECRET = "JBSWY3DPEHPK3PXP"
NOW = datetime(2026, 3, 2, 9, 0, 10, tzinfo=UTC)

# "auth" but not "author": the newsroom's author pages take no credentials.
CREDENTIAL_WORDS = re.compile(
    r"login|signin|sign-in|auth(?!or)|password|token|reauthenticate"
)

# How each route that may take credentials is checked.
ALLAUTH_LOGIN = "allauth's login: password, then the TOTP step"
TO_ALLAUTH = "redirects to allauth's login"
NO_SESSION = "takes no staff credentials: gives no session"

# Keyed by route name, or by address for unnamed routes.
CREDENTIAL_ROUTES = {
    "account_login": ALLAUTH_LOGIN,
    "/admin/login/": TO_ALLAUTH,  # broadsheet.accounts.views.admin_login
    "wagtailadmin_login": TO_ALLAUTH,  # shadowed by the line above
    "accounts:frontend_login": TO_ALLAUTH,
    "wagtailcore_login": TO_ALLAUTH,  # private pages' login, shadowed likewise
    # allauth's own steps after the password, or for a signed-in user.
    "mfa_authenticate": NO_SESSION,
    "mfa_reauthenticate": NO_SESSION,
    "account_reauthenticate": NO_SESSION,
    "account_request_reauthentication_code": NO_SESSION,
    "account_confirm_reauthentication_code": NO_SESSION,
    "account_confirm_login_code": NO_SESSION,
    "account_change_password": NO_SESSION,
    "account_set_password": NO_SESSION,
    "account_reset_password": NO_SESSION,
    "account_reset_password_done": NO_SESSION,
    "account_reset_password_from_key": NO_SESSION,
    "account_reset_password_from_key_done": NO_SESSION,
    # Wagtail's admin password reset: sends mail, never signs in.
    "wagtailadmin_password_reset": NO_SESSION,
    "wagtailadmin_password_reset_done": NO_SESSION,
    "wagtailadmin_password_reset_confirm": NO_SESSION,
    "wagtailadmin_password_reset_complete": NO_SESSION,
    # Shared passwords of private pages and documents: no user session.
    "wagtailcore_authenticate_with_password": NO_SESSION,
    "wagtaildocs_authenticate_with_password": NO_SESSION,
    # Tokens that are not credentials of a user.
    "csrf_token": NO_SESSION,
    "newsletter:manage": NO_SESSION,
    "newsletter:unsubscribe": NO_SESSION,
}


def takes_credentials(route) -> bool:
    if CREDENTIAL_WORDS.search(f"{route.name} {route.path} {route.regex}".lower()):
        return True
    view = route.view_class
    if view is None:
        return False
    form = getattr(view, "form_class", None)
    return issubclass(view, LoginView) or (
        isinstance(form, type) and issubclass(form, AuthenticationForm)
    )


def key(route) -> str:
    return route.name or route.path


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def staff(publication):
    user = factories.make_member("ed@example.com", PASSWORD, superuser=True)
    TOTP.activate(user, SECRET)
    return user


def payloads(user):
    """The right password with the email, then with the username."""
    for login in (user.email, user.get_username()):
        yield {"login": login, "username": login, "email": login, "password": PASSWORD}


def assert_no_admin_session(client, where):
    assert SESSION_KEY not in client.session, where
    admin = client.get("/admin/")
    assert admin.status_code == 302, where
    assert admin["Location"].startswith("/accounts/login/"), where


def totp_code(offset: int = 0) -> str:
    return format_hotp_value(hotp_value(SECRET, int(NOW.timestamp()) // 30 + offset))


def test_every_credential_taking_route_is_known_and_checked():
    found = {key(route) for route in routes() if takes_credentials(route)}
    unknown = found - set(CREDENTIAL_ROUTES)
    assert not unknown, f"new routes that may take credentials: {sorted(unknown)}"
    stale = set(CREDENTIAL_ROUTES) - found
    assert not stale, f"listed but no longer routed: {sorted(stale)}"
    # The enumeration does see the routes it must (guards the walker itself).
    assert {"account_login", "wagtailadmin_login", "wagtailcore_login"} <= found


def test_credentials_posted_to_any_credential_route_give_no_session(staff):
    checked = []
    for route in routes():
        if not takes_credentials(route):
            continue
        expected = CREDENTIAL_ROUTES[key(route)]
        for data in payloads(staff):
            client = Client(raise_request_exception=False)
            response = client.post(route.path, data)
            where = f"{route} {data['login']}"
            if expected == TO_ALLAUTH:
                assert response.status_code == 302, where
                assert response["Location"].startswith("/accounts/login/?"), where
            elif expected == ALLAUTH_LOGIN and data["login"] == staff.email:
                assert response.status_code == 302, where
                assert response["Location"] == "/accounts/2fa/authenticate/", where
            assert_no_admin_session(client, where)
        checked.append(key(route))
    assert "account_login" in checked and "/admin/login/" in checked


def test_no_route_at_all_turns_a_password_into_a_session(staff):
    """Every route, credential-looking or not, gets the password and stays shut."""
    all_routes = routes()
    assert len(all_routes) > 300  # Wagtail's admin alone has hundreds
    for route in all_routes:
        for data in payloads(staff):
            client = Client(raise_request_exception=False)
            client.post(route.path, data)
            assert SESSION_KEY not in client.session, f"{route} {data['login']}"


def test_the_admin_sign_in_and_private_page_login_lead_to_allauth(staff):
    for path in ("/admin/login/", "/_util/login/"):
        for method in ("get", "post"):
            client = Client()
            response = getattr(client, method)(f"{path}?next=/admin/pages/", {})
            assert response.status_code == 302, (path, method)
            assert response["Location"].startswith("/accounts/login/?"), path
            assert "next=%2Fadmin%2Fpages%2F" in response["Location"], path
    assert resolve("/admin/login/").func.__module__ == "broadsheet.accounts.views"
    assert resolve("/_util/login/").func.__module__ == "broadsheet.accounts.views"


def test_django_admin_is_gone_and_its_login_gives_no_session(staff):
    for data in payloads(staff):
        client = Client(raise_request_exception=False)
        response = client.post(
            "/django-admin/login/?next=/admin/",
            {"username": data["login"], "password": PASSWORD},
        )
        assert response.status_code == 404
        assert_no_admin_session(client, data["login"])
    assert Client().get("/django-admin/").status_code == 404
    assert not [r for r in routes() if r.module.startswith("django.contrib.admin")]


def test_staff_sign_in_stops_at_totp_until_a_valid_code(staff):
    client = Client()
    response = client.post(
        "/accounts/login/?next=/admin/",
        {"login": staff.email, "password": PASSWORD},
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert_no_admin_session(client, "password only")
    # Not the code of another time, nor a made-up one.
    for wrong in (totp_code(offset=5), "000000"):
        refused = client.post("/accounts/2fa/authenticate/", {"code": wrong})
        assert refused.status_code == 200
        assert SESSION_KEY not in client.session
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.session[SESSION_KEY] == str(staff.pk)
    assert client.get("/admin/").status_code == 200


def test_the_username_is_not_a_way_in(staff):
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": staff.get_username(), "password": PASSWORD}
    )
    assert response.status_code == 200  # the form again, with an error
    assert_no_admin_session(client, "username")
