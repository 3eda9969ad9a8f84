"""Administrators invite staff by email, with a role; the invited person
chooses a password through the link and signs in like everyone else."""

import io
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from broadsheet.core import roles
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db

INVITE_URL = "/admin/staff/invite/"


@pytest.fixture
def administrator(client):
    user = factories.make_member("chief@example.com", display_name="Chief")
    user.first_name, user.last_name = "Ines", "Chief"
    user.save()
    user.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
    client.force_login(user)
    return user


def invite(client, django_capture_on_commit_callbacks, **fields):
    data = {"first_name": "Noor", "last_name": "Writer", "role": "Contributor"}
    data.update(fields)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(INVITE_URL, data)


def link_in(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"http://testserver(/\S+)", body).group(1)


def test_an_invited_contributor_chooses_a_password_and_signs_in(
    client, administrator, smtp_server, django_capture_on_commit_callbacks
):
    response = invite(
        client, django_capture_on_commit_callbacks, email="noor@example.com"
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(email="noor@example.com")
    assert not user.has_usable_password()
    assert roles.role_of(user) == roles.CONTRIBUTOR
    assert EmailAddress.objects.get(user=user).verified

    [message] = smtp_server.to("noor@example.com")
    assert message["Subject"].startswith("You are invited to")
    assert "as a Contributor" in message["Subject"]
    assert (
        "Ines Chief has given you the Contributor role"
        in message.get_body(preferencelist=("plain",)).get_content()
    )

    # The link is allauth's own password reset: the same pages as everyone's.
    newcomer = type(client)()
    form_page = newcomer.get(link_in(message), follow=True)
    assert form_page.status_code == 200
    set_password = newcomer.post(
        form_page.redirect_chain[-1][0],
        {
            "password1": "a fresh long passphrase",
            "password2": "a fresh long passphrase",
        },
    )
    assert set_password.status_code == 302
    signed_in = newcomer.post(
        "/accounts/login/",
        {"login": "noor@example.com", "password": "a fresh long passphrase"},
    )
    assert signed_in.status_code == 302
    assert newcomer.get("/admin/").status_code == 200
    # A contributor may write, not publish.
    assert newcomer.get("/admin/pages/").status_code == 200
    assert newcomer.get("/admin/users/").status_code == 302


def test_a_reader_with_an_account_is_given_the_role_not_a_second_account(
    client, administrator, smtp_server, django_capture_on_commit_callbacks
):
    reader = factories.make_member("reader@example.com", display_name="Reader")
    response = invite(
        client,
        django_capture_on_commit_callbacks,
        email="READER@example.com",
        role="Editor",
    )
    assert response.status_code == 302
    assert (
        get_user_model().objects.filter(email__iexact="reader@example.com").count() == 1
    )
    assert roles.role_of(reader) == roles.EDITOR
    assert reader.has_perm("comments.moderate_comment")
    reader.refresh_from_db()
    assert reader.check_password("a long passphrase")  # untouched
    [message] = smtp_server.to("reader@example.com")
    assert (
        "Sign in as you do now"
        in message.get_body(preferencelist=("plain",)).get_content()
    )

    # A new role replaces the old one: one role each.
    invite(
        client,
        django_capture_on_commit_callbacks,
        email="reader@example.com",
        role="Author",
    )
    assert set(reader.groups.values_list("name", flat=True)) == {roles.AUTHOR}


@pytest.mark.parametrize(
    "fields, error",
    [
        ({"email": "not an address"}, "Enter a valid email address."),
        ({"email": "x@example.com", "first_name": ""}, "This field is required."),
        ({"email": "x@example.com", "role": "Owner"}, "Select a valid choice."),
        (
            {"email": "chief@example.com", "role": "Administrator"},
            "is already Administrator",
        ),
    ],
)
def test_bad_invitations_say_what_is_wrong_and_send_nothing(
    client,
    administrator,
    smtp_server,
    django_capture_on_commit_callbacks,
    fields,
    error,
):
    users = get_user_model().objects.count()
    response = invite(client, django_capture_on_commit_callbacks, **fields)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert get_user_model().objects.count() == users
    assert smtp_server.messages == []


def test_a_superuser_is_not_demoted_by_an_invitation(
    client, administrator, django_capture_on_commit_callbacks
):
    factories.make_member("root@example.com", superuser=True)
    response = invite(
        client,
        django_capture_on_commit_callbacks,
        email="root@example.com",
        role="Contributor",
    )
    assert response.status_code == 400
    assert "is a superuser" in response.content.decode()


def test_a_reader_invited_at_a_second_address_keeps_one_primary_address(
    client, administrator, django_capture_on_commit_callbacks
):
    reader = factories.make_member("home@example.com", display_name="Reader")
    EmailAddress.objects.create(
        user=reader, email="work@example.com", primary=False, verified=False
    )
    response = invite(
        client, django_capture_on_commit_callbacks, email="work@example.com"
    )
    assert response.status_code == 302
    addresses = {a.email: a for a in EmailAddress.objects.filter(user=reader)}
    assert addresses["home@example.com"].primary
    assert not addresses["work@example.com"].primary
    assert addresses["work@example.com"].verified
    assert roles.role_of(reader) == roles.CONTRIBUTOR


def test_only_administrators_see_the_invite_menu_item(client, administrator):
    assert b"Invite staff" in client.get("/admin/").content
    editor = factories.make_member("editor@example.com", display_name="Ed")
    editor.groups.add(Group.objects.get(name=roles.EDITOR))
    client.force_login(editor)
    dashboard = client.get("/admin/")
    assert dashboard.status_code == 200
    assert b"Invite staff" not in dashboard.content


def test_create_admin_makes_an_administrator_who_can_sign_in(client, tmp_path):
    from django.core.management import CommandError, call_command

    secret = tmp_path / "password"
    secret.write_text("correct horse battery staple 7\n")
    call_command(
        "create_admin",
        email="chief@example.org",
        name="Ada Chief",
        password_file=secret,
        stdout=io.StringIO(),
    )
    response = client.post(
        "/accounts/login/",
        {"login": "chief@example.org", "password": "correct horse battery staple 7"},
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    with pytest.raises(CommandError, match="already exists"):
        call_command("create_admin", email="Chief@example.org", password_file=secret)
    secret.write_text("short")
    with pytest.raises(CommandError, match="too short"):
        call_command("create_admin", email="b@example.org", password_file=secret)
    with pytest.raises(CommandError, match="valid email"):
        call_command("create_admin", email="not-an-address", password_file=secret)
