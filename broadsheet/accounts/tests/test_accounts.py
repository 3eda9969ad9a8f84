"""Accounts through allauth's real views: sign-up, verification, sign-in, 2FA."""

import re
import time

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.conf import settings as project_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import identify_hasher, make_password
from django.core import mail
from django.test import Client

from broadsheet.accounts.models import Member
from broadsheet.settings import base as base_settings
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"


def sign_up(client, *, email="nia@example.com", name="Nia Reader", **extra):
    return client.post(
        "/accounts/signup/",
        {
            "display_name": name,
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            **extra,
        },
    )


def confirmation_link(message) -> str:
    return re.search(
        r"http://testserver(/accounts/confirm-email/[^/\s]+/)", message.body
    )[1]


def test_register_verify_and_log_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client, notify_replies="on")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = get_user_model().objects.get(email="nia@example.com")
    member = Member.objects.get(user=user)
    assert (member.display_name, member.handle, member.notify_replies) == (
        "Nia Reader",
        "nia-reader",
        True,
    )
    assert not EmailAddress.objects.get(user=user).verified
    [message] = mail.outbox
    assert message.to == ["nia@example.com"]

    # Not verified yet: signing in sends the reader back to verification.
    other = Client()
    refused = other.post(
        "/accounts/login/", {"login": "nia@example.com", "password": PASSWORD}
    )
    assert refused["Location"] == "/accounts/confirm-email/"

    link = confirmation_link(message)
    assert client.get(link).status_code == 200  # a page with a button, no change
    assert not EmailAddress.objects.get(user=user).verified
    response = client.post(link)
    assert EmailAddress.objects.get(user=user).verified
    assert response.status_code == 302

    fresh = Client()
    response = fresh.post(
        "/accounts/login/", {"login": "NIA@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    page = fresh.get("/accounts/profile/")
    assert page.status_code == 200
    assert b"Nia Reader" in page.content
    assert (
        page["Cache-Control"] == "private, no-cache"
        or "private" in page["Cache-Control"]
    )


def test_sign_up_refuses_a_taken_or_lookalike_name_and_keeps_nothing(client):
    factories.make_member("ada@example.com", display_name="Ada Lovelace")
    response = sign_up(client, name="ADA  lovelace")
    assert response.status_code == 200
    assert (
        "That name, or one that looks like it, is taken." in response.content.decode()
    )
    response = sign_up(client, name="Аda Lovelace")  # Cyrillic А
    assert "one alphabet" in response.content.decode() or "taken" in (
        response.content.decode()
    )
    assert not get_user_model().objects.filter(email="nia@example.com").exists()


def test_passwords_are_hashed_with_argon2_in_every_environment_but_tests(settings):
    assert base_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    settings.PASSWORD_HASHERS = base_settings.PASSWORD_HASHERS
    hashed = make_password("a passphrase")
    assert identify_hasher(hashed).algorithm == "argon2"


def test_profile_changes_are_validated_and_saved(client):
    factories.make_member("ada@example.com", display_name="Ada")
    nia = factories.make_member("nia@example.com", display_name="Nia")
    client.force_login(nia)
    form = {"display_name": "Ada", "bio": "", "website": "", "notify_replies": ""}
    response = client.post("/accounts/profile/", form)
    assert response.status_code == 400
    assert "taken" in response.content.decode()
    form |= {
        "display_name": "Nia Okafor",
        "bio": "Reads about chips.",
        "website": "https://nia.example.org",
        "notify_replies": "on",
    }
    assert client.post("/accounts/profile/", form).status_code == 302
    member = Member.objects.get(user=nia)
    assert (member.display_name, member.handle, member.notify_replies) == (
        "Nia Okafor",
        "nia-okafor",
        True,
    )
    public = Client().get("/members/nia-okafor/")
    assert public.status_code == 200
    assert b"Reads about chips." in public.content
    assert not public.cookies


def test_avatars_are_drawn_here_without_a_query(client, django_assert_num_queries):
    member = Member(avatar_seed="00ff00aa11223344")
    client.get("/")  # creates the content-version row once
    with django_assert_num_queries(1):  # the content-version row only
        response = client.get(member.avatar_url)
    assert response["Content-Type"] == "image/svg+xml"
    assert "immutable" in response["Cache-Control"]
    assert response.content.startswith(b"<svg")
    assert client.get("/members/avatar/not-hex.svg").status_code == 404


def test_staff_two_factor_applies_to_the_admin_sign_in(publication):
    editor = factories.make_member("ed@example.com", PASSWORD, superuser=True)
    secret = "JBSWY3DPEHPK3PXP"
    TOTP.activate(editor, secret)
    client = Client()
    # The Wagtail sign-in is the member sign-in: no second way in.
    assert (
        client.post(
            "/admin/login/", {"username": "ed", "password": PASSWORD}
        ).status_code
        == 302
    )
    assert client.get("/admin/").status_code == 302
    response = client.post(
        "/accounts/login/?next=/admin/",
        {"login": "ed@example.com", "password": PASSWORD},
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/admin/").status_code == 302  # password alone is not enough
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_account_pages_use_the_site_layout(client):
    nia = factories.make_member("nia@example.com")
    client.force_login(nia)
    for path in ("/accounts/email/", "/accounts/password/change/", "/accounts/2fa/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert b'class="masthead"' in response.content, path
    assert project_settings.ACCOUNT_EMAIL_VERIFICATION == "mandatory"


def test_an_admin_made_on_the_command_line_confirms_the_address_at_first_sign_in(
    client, django_user_model, django_capture_on_commit_callbacks
):
    django_user_model.objects.create_superuser("boss", "boss@example.com", PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/login/", {"login": "boss@example.com", "password": PASSWORD}
        )
    assert response["Location"] == "/accounts/confirm-email/"
    [message] = mail.outbox
    assert message.to == ["boss@example.com"]
    assert "/accounts/confirm-email/" in message.body


def test_every_account_mail_link_uses_the_public_address(
    client, settings, django_capture_on_commit_callbacks
):
    # The request names testserver; mail must name the configured address,
    # including allauth's own "account already exists" and "unknown account".
    settings.BASE_URL = "https://news.example.org"
    factories.make_member("taken@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        sign_up(client, email="taken@example.com", name="Someone Else")
        client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
        sign_up(client, email="fresh@example.com", name="Fresh Reader")
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        links = re.findall(r"https?://[^\s\"'<>]+", message.body)
        assert links, message.body
        assert all(link.startswith("https://news.example.org/") for link in links)
        assert " from !" not in message.body


def test_the_login_page_offers_one_forgotten_password_link(client):
    html = client.get("/accounts/login/").content.decode()
    assert html.count('href="/accounts/password/reset/"') == 1
    assert "Forgotten your password?" in html and "Forgot your" not in html


def test_staff_made_elsewhere_get_a_plain_name_on_the_masthead(client, publication):
    """A reserved username ("admin") gives "Member <id>", never "admin 2"."""
    from broadsheet.accounts.services import member_for

    User = get_user_model()
    admin = User.objects.create_superuser("admin", "root@example.com", PASSWORD)
    named = User.objects.create_user(
        "ed", "ed@example.com", PASSWORD, first_name="Ed", last_name="Ito"
    )
    assert member_for(admin).display_name == f"Member {admin.pk}"
    assert member_for(named).display_name == "Ed Ito"
    client.force_login(admin)
    masthead = client.get("/").content.decode()
    assert f"Member {admin.pk}</a>" in masthead and "admin 2" not in masthead
