"""Who may open and use every admin screen and action Broadsheet adds.

The admin routes that are ours are enumerated (views from broadsheet.*,
snippet views of our models, site settings of ours) and must match the
classified set below exactly, so a new one fails until someone decides who
may use it. Each is then requested by five roles, GET and POST:

- anonymous: sent to the sign-in;
- member, a verified reader without admin access: sent away, never a 200;
- moderator: Wagtail's Moderators group (comment moderation, nothing else
  of ours);
- editor: Wagtail's Editors group (which sends newsletter issues), plus
  view/change on issues, as given to whoever runs the newsletter;
- admin: a superuser.

A refused request must change nothing in any of our apps' tables. The
actions behind one URL (send, schedule, test, skip; approve, reject, spam,
ban, unban; CSV export) are checked one by one, with their effect for the
roles allowed.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.models import Site

from broadsheet.accounts.models import Member
from broadsheet.accounts.services import member_ban
from broadsheet.comments.models import Comment
from broadsheet.newsletter.models import (
    Delivery,
    Issue,
    IssueArticle,
    Newsletter,
    Subscriber,
)
from broadsheet.newsroom.models import Author
from broadsheet.testing import factories
from tests.urlwalk import routes

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ROLES = ("anonymous", "member", "moderator", "editor", "admin")
OUR_APPS = {c.label for c in apps.get_app_configs() if c.name.startswith("broadsheet")}

ANY_STAFF = frozenset({"moderator", "editor", "admin"})
ADMIN = frozenset({"admin"})
EDITOR = frozenset({"editor", "admin"})
MODERATOR = frozenset({"moderator", "editor", "admin"})  # Editors moderate too

# Snippet views: the part of the URL name after "wagtailsnippets_<app>_<model>:".
SNIPPET_VIEWS = {
    "list",
    "list_results",
    "add",
    "edit",
    "delete",
    "usage",
    "history",
    "history_results",
    "copy",
}
CHOOSER_VIEWS = {"choose", "choose_results", "chosen", "chosen_multiple", "create"}
# Views an editor with view/change on issues may open.
ISSUE_EDITOR_VIEWS = {
    "list",
    "list_results",
    "edit",
    "usage",
    "history",
    "history_results",
    "choose",
    "choose_results",
    "chosen",
    "chosen_multiple",
}


@dataclass(frozen=True)
class Rule:
    allowed: frozenset
    model: type | None = None  # whose pk fills <pk> in the address
    post: bool = True  # whether allowed roles POST too (forbidden ones always do)


def snippet_rules(model, editor_views=frozenset(), public_chooser=False) -> dict:
    """public_chooser: Wagtail's chooser answers anyone in the admin, which is
    right for public data (authors, newsletter names) that page and issue
    editors pick from without permissions on the model itself."""
    label = f"{model._meta.app_label}_{model._meta.model_name}"
    rules = {}
    for view in SNIPPET_VIEWS:
        allowed = EDITOR if view in editor_views else ADMIN
        rules[f"wagtailsnippets_{label}:{view}"] = Rule(allowed, model, post=False)
    for view in CHOOSER_VIEWS:
        allowed = EDITOR if view in editor_views else ADMIN
        if public_chooser and view != "create":
            allowed = ANY_STAFF
        rules[f"wagtailsnippetchoosers_{label}:{view}"] = Rule(
            allowed, model, post=False
        )
    return rules


# Every admin route of ours. Allowed roles' POSTs with effects are in ACTIONS.
ROUTES = {
    "comments_queue": Rule(MODERATOR, post=False),
    "newsletter_review": Rule(EDITOR, Issue, post=False),
    "newsletter_send": Rule(EDITOR, Issue, post=False),
    "newsletter_preview": Rule(EDITOR, Issue),
    # The live preview beside the issue editor: adding or changing issues.
    "wagtailsnippets_newsletter_issue:preview_on_add": Rule(ADMIN, post=False),
    "wagtailsnippets_newsletter_issue:preview_on_edit": Rule(EDITOR, Issue, post=False),
    "newsletter_import": Rule(ADMIN, post=False),
    **snippet_rules(Author, public_chooser=True),
    **snippet_rules(Newsletter, public_chooser=True),
    **snippet_rules(Issue, ISSUE_EDITOR_VIEWS),
    **snippet_rules(Subscriber),
    "settings:core.Branding": Rule(ADMIN),
    "settings:distribution.SearchEngines": Rule(ADMIN),
}
# Ours, under /admin/, but not a screen: the sign-in redirect (checked in
# tests/test_security_sign_in.py).
NOT_SCREENS = {"/admin/login/"}


def our_admin_routes() -> dict:
    """Route key -> route, for every admin URL Broadsheet adds."""
    found = {}
    for route in routes():
        if not route.path.startswith("/admin/"):
            continue
        model = (getattr(route.callback, "view_initkwargs", None) or {}).get("model")
        ours_by_model = (
            model is not None
            and not isinstance(model, str)
            and model._meta.app_label in OUR_APPS
        )
        if route.module.startswith("broadsheet.") or ours_by_model:
            found[route.name or route.path] = route
    for model in settings_registry:
        if model._meta.app_label in OUR_APPS:
            found[f"settings:{model._meta.label}"] = model
    return found


def test_every_admin_route_of_ours_is_classified():
    found = set(our_admin_routes())
    unclassified = found - set(ROUTES) - NOT_SCREENS
    assert not unclassified, f"classify who may use: {sorted(unclassified)}"
    stale = set(ROUTES) - found
    assert not stale, f"classified but no longer routed: {sorted(stale)}"
    # The walker does see what it must.
    assert {"comments_queue", "newsletter_review", "newsletter_import"} <= found


# THE WORLD AND THE ROLES
# ------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(publication):
    daily = factories.make_newsletter("daily")
    factories.make_subscriber("one@example.com", daily)
    factories.make_subscriber("two@example.com", daily)
    article = publication["articles"][0]

    def issue(subject):
        return Issue.objects.create(
            newsletter=daily,
            subject=subject,
            items=[IssueArticle(article_id=pk) for pk in [article.pk]],
            scheduled_for=NOW,
        )

    ada = factories.make_member("ada@example.com", display_name="Ada")
    bob = factories.make_member("bob@example.com", display_name="Bob")
    cy = factories.make_member("cy@example.com", display_name="Cy")
    member_ban(user=cy, reason="Spam")

    def comment(author, body, status):
        return Comment.objects.create(
            article=article, author=author, body=body, status=status
        )

    return {
        "issues": {name: issue(name) for name in ("send", "schedule", "test", "skip")},
        "comments": {
            "approve": comment(ada, "held", Comment.Status.PENDING),
            "reject": comment(ada, "published", Comment.Status.PUBLISHED),
            "spam": comment(ada, "spammy", Comment.Status.PENDING),
            "ban": comment(bob, "rude", Comment.Status.PUBLISHED),
            "unban": comment(cy, "old", Comment.Status.REJECTED),
        },
        "newsletter": daily,
    }


def client_for(role: str) -> Client:
    client = Client(raise_request_exception=False)
    if role == "anonymous":
        return client
    user = factories.make_member(f"{role}@example.com", superuser=role == "admin")
    if role == "moderator":
        user.groups.add(Group.objects.get(name="Moderators"))
    elif role == "editor":
        user.groups.add(Group.objects.get(name="Editors"))
        user.user_permissions.add(
            *Permission.objects.filter(
                content_type__app_label="newsletter",
                codename__in=["view_issue", "change_issue"],
            )
        )
    client.force_login(user)
    return client


def snapshot() -> dict:
    """Every row of every table of ours."""
    state = {}
    for label in OUR_APPS:
        for model in apps.get_app_config(label).get_models():
            state[model._meta.label] = list(model.objects.order_by("pk").values())
    return state


def assert_refused(role, response, where):
    status = response.status_code
    assert status in (302, 403), f"{where}: {role} got {status}"
    if status == 302:
        to = response["Location"]
        if role in ("anonymous", "member"):
            assert to.startswith("/accounts/login/?next="), f"{where}: {to}"
        else:  # Wagtail turns a refusal into a trip back to the dashboard
            assert to == "/admin/", f"{where}: {role} sent to {to}"


def assert_allowed(role, response, where):
    status = response.status_code
    assert status in (200, 302), f"{where}: {role} got {status}"
    if status == 302:
        to = response["Location"]
        assert to != "/admin/" and not to.startswith("/accounts/login/"), where


def address(key, route, rule) -> str:
    if key.startswith("settings:"):  # route is the setting's model
        site = Site.objects.get(is_default_site=True)
        meta = route._meta
        return reverse(
            "wagtailsettings:edit", args=[meta.app_label, meta.model_name, site.pk]
        )
    if rule.model is None or "(?P<pk>" not in route.regex:
        return route.path
    obj = rule.model.objects.order_by("pk").first()
    # The sampled address carries 1 where the pk goes: use a real one.
    return reverse(route.name, kwargs={"pk": obj.pk})


# THE MATRIX
# ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_admin_routes_answer_each_role_as_classified(role, world):
    client = client_for(role)
    for key, route in sorted(our_admin_routes().items()):
        if key in NOT_SCREENS:
            continue
        rule = ROUTES[key]
        url = address(key, route, rule)
        before = snapshot()
        get = client.get(url)
        if role in rule.allowed:
            assert_allowed(role, get, f"GET {url}")
            if rule.post:
                assert_allowed(role, client.post(url, {}), f"POST {url}")
        else:
            assert_refused(role, get, f"GET {url}")
            post = client.post(url, {"action": "send", "ids": ["1", "2", "3"]})
            assert_refused(role, post, f"POST {url}")
            assert snapshot() == before, f"POST {url} by {role} changed data"


def _review(world, name):
    return f"/admin/newsletters/issues/{world['issues'][name].pk}/review/"


def _status(world, name):
    return Issue.objects.get(pk=world["issues"][name].pk).status


def _comment(world, name):
    return Comment.objects.get(pk=world["comments"][name].pk)


def _banned(email):
    return Member.objects.get(user__email=email).is_banned


IMPORT_URL = "/admin/newsletters/subscribers/import/"


def _import_upload(world):
    return {
        "file": SimpleUploadedFile("l.csv", b"email,consent\nnew@example.com,yes\n"),
        "newsletters": [world["newsletter"].pk],
    }


# name: (allowed, request(client, world) -> response, effect(world) -> bool)
ACTIONS = {
    "issue send": (
        EDITOR,
        # "Send now" asks first; the confirmation page's POST sends.
        lambda c, w: c.post(
            f"/admin/newsletters/issues/{w['issues']['send'].pk}/send/"
        ),
        lambda w: (
            Delivery.objects.filter(issue=w["issues"]["send"]).count() == 2
            and _status(w, "send") in (Issue.Status.SENDING, Issue.Status.SENT)
        ),
    ),
    "issue schedule": (
        EDITOR,
        lambda c, w: c.post(_review(w, "schedule"), {"action": "schedule"}),
        lambda w: _status(w, "schedule") == Issue.Status.SCHEDULED,
    ),
    "issue test": (
        EDITOR,
        lambda c, w: c.post(_review(w, "test"), {"action": "test"}),
        lambda w: "[Test] test" in [m.subject for m in mail.outbox],
    ),
    "issue skip": (
        EDITOR,
        lambda c, w: c.post(_review(w, "skip"), {"action": "skip"}),
        lambda w: _status(w, "skip") == Issue.Status.SKIPPED,
    ),
    "subscriber import": (
        ADMIN,
        lambda c, w: c.post(IMPORT_URL, _import_upload(w)),
        lambda w: Subscriber.objects.filter(email="new@example.com").exists(),
    ),
    "subscriber export": (
        ADMIN,
        lambda c, w: c.get("/admin/snippets/newsletter/subscriber/?export=csv"),
        None,  # checked on the response below
    ),
    **{
        f"comments {action}": (
            MODERATOR,
            lambda c, w, action=action: c.post(
                "/admin/comments/",
                {"action": action, "ids": [w["comments"][action].pk]},
            ),
            effect,
        )
        for action, effect in {
            "approve": lambda w: _comment(w, "approve").status == "published",
            "reject": lambda w: _comment(w, "reject").status == "rejected",
            "spam": lambda w: _comment(w, "spam").status == "spam",
            "ban": lambda w: _banned("bob@example.com"),
            "unban": lambda w: not _banned("cy@example.com"),
        }.items()
    },
}


@pytest.mark.parametrize("role", ROLES)
def test_admin_actions_take_effect_only_for_the_roles_allowed(role, world):
    client = client_for(role)
    for name, (allowed, send, effect) in ACTIONS.items():
        before = snapshot()
        outbox = len(mail.outbox)
        response = send(client, world)
        if role in allowed:
            assert_allowed(role, response, name)
            if effect is None:  # the export
                body = b"".join(response.streaming_content).decode()
                assert "one@example.com" in body, name
            else:
                assert effect(world), f"{name} by {role} did nothing"
        else:
            assert_refused(role, response, name)
            assert snapshot() == before, f"{name} by {role} changed data"
            assert len(mail.outbox) == outbox, f"{name} by {role} sent mail"
            if effect is not None:
                assert not effect(world), name
