"""Who may open and use every admin screen and action: the permission matrix.

The roles are Broadsheet's staff groups (core.roles), a reader and nobody:

- anonymous: sent to the sign-in;
- member, a verified reader without admin access: sent away, never a 200;
- contributor: writes and edits their own drafts and submits them for
  review, cannot publish;
- author: also publishes, schedules, unpublishes and deletes their own;
- editor: also edits, publishes and deletes anyone's, moderates comments,
  composes, tests and sends newsletters;
- administrator: also settings, users, staff invitations and imports (of
  subscribers, and of whole sites from WordPress, Ghost or Substack).

The admin routes that are ours are enumerated (views from broadsheet.*,
snippet views of our models, site settings of ours) and must match the
classified set below exactly, so a new one fails until someone decides who
may use it. Each is requested by every role, GET and POST. Then every action
(create, edit, publish, schedule, unpublish, delete and submit pages, each
on one's own page and on someone else's; moderate; compose, test-send, send
and schedule issues; import; users and invitations) is tried by every role:
allowed, it takes effect; refused, it changes nothing in any of our apps'
tables and sends no mail.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from wagtail.contrib.settings.registry import registry as settings_registry
from wagtail.models import Site, WorkflowState

from broadsheet.accounts.models import Member
from broadsheet.accounts.services import member_ban
from broadsheet.comments.models import Comment
from broadsheet.imports.models import ImportRun
from broadsheet.imports.tests.wxr import wxr
from broadsheet.newsletter.models import (
    Delivery,
    Issue,
    IssueArticle,
    Newsletter,
    Subscriber,
)
from broadsheet.newsroom.models import ArticlePage, Author
from broadsheet.testing import factories
from broadsheet.testing.admin_forms import (
    add_url,
    article_form,
    existing_bylines,
    issue_form,
)
from tests.urlwalk import routes

# Every test here runs at NOW (the autouse ``frozen``), whatever the instant
# CI starts it at: the rerun at a second one would repeat it exactly.
pytestmark = [pytest.mark.django_db, pytest.mark.any_instant]

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ROLES = ("anonymous", "member", "contributor", "author", "editor", "administrator")
OUR_APPS = {c.label for c in apps.get_app_configs() if c.name.startswith("broadsheet")}

ANY_STAFF = frozenset({"contributor", "author", "editor", "administrator"})
PUBLISHERS = frozenset({"author", "editor", "administrator"})
EDITOR = frozenset({"editor", "administrator"})
ADMIN = frozenset({"administrator"})

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
# Editors see the newsletters (to pick one for an issue), not change them.
NEWSLETTER_EDITOR_VIEWS = {"list", "list_results"}


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
    "comments_queue": Rule(EDITOR, post=False),
    "analytics_audience": Rule(EDITOR, post=False),
    "newsletter_review": Rule(EDITOR, Issue, post=False),
    "newsletter_send": Rule(EDITOR, Issue, post=False),
    "newsletter_preview": Rule(EDITOR, Issue),
    # The live preview beside the issue editor: adding or changing issues.
    "wagtailsnippets_newsletter_issue:preview_on_add": Rule(EDITOR, post=False),
    "wagtailsnippets_newsletter_issue:preview_on_edit": Rule(EDITOR, Issue, post=False),
    "newsletter_import": Rule(ADMIN, post=False),
    **snippet_rules(Author, SNIPPET_VIEWS | CHOOSER_VIEWS, public_chooser=True),
    **snippet_rules(Newsletter, NEWSLETTER_EDITOR_VIEWS, public_chooser=True),
    **snippet_rules(Issue, SNIPPET_VIEWS | CHOOSER_VIEWS),
    "staff_invite": Rule(ADMIN, post=False),
    **snippet_rules(Subscriber),
    "imports_index": Rule(ADMIN, post=False),
    "imports_new": Rule(ADMIN, post=False),
    "imports_run": Rule(ADMIN, ImportRun, post=False),
    "imports_progress": Rule(ADMIN, ImportRun, post=False),
    "imports_confirm": Rule(ADMIN, ImportRun, post=False),
    "imports_undo": Rule(ADMIN, ImportRun, post=False),
    "settings:core.Branding": Rule(ADMIN),
    "settings:distribution.SearchEngines": Rule(ADMIN),
    "settings:podcast.PodcastPromo": Rule(ADMIN),
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

    ImportRun.objects.create(
        platform="wordpress", file_name="wire.xml", status=ImportRun.Status.FINISHED
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
        "publication": publication,
    }


def client_for(role: str) -> Client:
    client = Client(raise_request_exception=False)
    if role == "anonymous":
        return client
    user = factories.make_member(f"{role}@example.com")
    if role in ANY_STAFF:
        user.groups.add(Group.objects.get(name=role.title()))
    client.force_login(user)
    client.user = user
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
    "site import": (
        ADMIN,
        lambda c, w: c.post(
            "/admin/imports/new/",
            {
                "platform": "wordpress",
                "export": SimpleUploadedFile("site.xml", wxr().encode()),
            },
        ),
        lambda w: ImportRun.objects.filter(file_name="site.xml").exists(),
    ),
    "site import undo": (
        ADMIN,
        lambda c, w: c.post(
            f"/admin/imports/{ImportRun.objects.get(file_name='wire.xml').pk}/undo/"
        ),
        lambda w: ImportRun.objects.get(file_name="wire.xml").status == "undoing",
    ),
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
            EDITOR,
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


# Pages. "own" pages belong to whoever acts; the others to nobody on staff.
# Each action acts on a page of its own, made before it runs.
PAGE_ACTIONS = {
    # name: (own page?, live?)
    "edit own": (True, False),
    "edit another's": (False, False),
    "publish own": (True, False),
    "publish another's": (False, False),
    "schedule own": (True, False),
    "schedule another's": (False, False),
    "unpublish own": (True, True),
    "unpublish another's": (False, True),
    "delete own draft": (True, False),
    "delete own live": (True, True),
    "delete another's": (False, False),
    "submit own": (True, False),
}
GO_LIVE = "2026-03-09 09:00"  # a week after NOW


def make_pages(world, user) -> None:
    factories.review_workflow()  # for "submit"
    publication = world["publication"]
    world["pages"] = {
        name: factories.make_article(
            publication["home"],
            publication["sections"][0],
            publication["authors"][:1],
            title=f"Page to {name}",
            owner=user if own else None,
            live=live,
        )
        for name, (own, live) in PAGE_ACTIONS.items()
    }


def _page(w, name):
    return ArticlePage.objects.filter(pk=w["pages"][name].pk).first()


def _edit(client, w, name, **extra):
    page = w["pages"][name]
    form = article_form(
        w["publication"],
        slug=page.slug,
        title="Edited",
        article_authors=existing_bylines(page),
        **extra,
    )
    return client.post(reverse("wagtailadmin_pages:edit", args=[page.pk]), form)


def _edited(w, name) -> bool:
    return _page(w, name).get_latest_revision_as_object().title == "Edited"


def _live(w, name) -> bool:
    return _page(w, name).live


def _not_live(w, name) -> bool:
    return not _page(w, name).live


def _gone(w, name) -> bool:
    return _page(w, name) is None


def _scheduled(w, name) -> bool:
    page = _page(w, name)
    return (
        not page.live
        and page.revisions.filter(approved_go_live_at__isnull=False).exists()
    )


def _in_review(w, name) -> bool:
    pk = str(w["pages"][name].pk)
    return WorkflowState.objects.active().filter(object_id=pk).exists()


def _publish(c, w, n):
    return _edit(c, w, n, **{"action-publish": "action-publish"})


def _schedule(c, w, n):
    return _edit(c, w, n, go_live_at=GO_LIVE, **{"action-publish": "action-publish"})


def _submit(c, w, n):
    return _edit(c, w, n, **{"action-submit": "action-submit"})


def _page_view(action):
    def send(client, w, name):
        url = reverse(f"wagtailadmin_pages:{action}", args=[w["pages"][name].pk])
        return client.post(url)

    return send


NOBODY = frozenset()
# name: (allowed, request(client, world, page name), effect(world, page name),
#        roles for whom the request is a permitted draft save though the
#        action itself is refused)
PAGE_RULES = {
    "edit own": (ANY_STAFF, _edit, _edited, NOBODY),
    "edit another's": (EDITOR, _edit, _edited, NOBODY),
    "publish own": (PUBLISHERS, _publish, _live, ANY_STAFF),
    "publish another's": (EDITOR, _publish, _live, NOBODY),
    "schedule own": (PUBLISHERS, _schedule, _scheduled, ANY_STAFF),
    "schedule another's": (EDITOR, _schedule, _scheduled, NOBODY),
    "unpublish own": (PUBLISHERS, _page_view("unpublish"), _not_live, NOBODY),
    "unpublish another's": (EDITOR, _page_view("unpublish"), _not_live, NOBODY),
    # Wagtail: who may only add pages may delete their own drafts only.
    "delete own draft": (ANY_STAFF, _page_view("delete"), _gone, NOBODY),
    "delete own live": (PUBLISHERS, _page_view("delete"), _gone, NOBODY),
    "delete another's": (EDITOR, _page_view("delete"), _gone, NOBODY),
    "submit own": (ANY_STAFF, _submit, _in_review, NOBODY),
}
assert set(PAGE_RULES) == set(PAGE_ACTIONS)


@pytest.mark.parametrize("role", ROLES)
def test_page_actions_take_effect_only_for_the_roles_allowed(role, world):
    client = client_for(role)
    make_pages(world, getattr(client, "user", None))
    for name, (allowed, send, effect, saves_draft) in PAGE_RULES.items():
        before = snapshot()
        response = send(client, world, name)
        if role in allowed:
            assert_allowed(role, response, name)
            assert effect(world, name), f"{name} by {role} did nothing"
        else:
            assert not effect(world, name), f"{name} by {role} took effect"
            if role not in saves_draft:
                assert_refused(role, response, name)
                assert snapshot() == before, f"{name} by {role} changed data"


INVITATION = {
    "email": "new.writer@example.com",
    "first_name": "New",
    "last_name": "Writer",
    "role": "Contributor",
}


def _branding_url():
    site = Site.objects.get(is_default_site=True)
    return reverse("wagtailsettings:edit", args=["core", "branding", site.pk])


# Create a page, compose an issue, users and staff: the rest of the matrix.
ACTIONS |= {
    "page create": (
        ANY_STAFF,
        lambda c, w: c.post(
            add_url(w["publication"]), article_form(w["publication"], slug="created")
        ),
        lambda w: ArticlePage.objects.filter(slug="created").exists(),
    ),
    "issue compose": (
        EDITOR,
        lambda c, w: c.post(
            "/admin/snippets/newsletter/issue/add/",
            issue_form(w["newsletter"], w["publication"]["articles"][:2]),
        ),
        lambda w: Issue.objects.filter(subject="Morning briefing").exists(),
    ),
    "users list": (ADMIN, lambda c, w: c.get("/admin/users/"), None),
    "staff invite": (
        ADMIN,
        lambda c, w: c.post("/admin/staff/invite/", INVITATION),
        lambda w: (
            Group.objects.get(name="Contributor")
            .user_set.filter(email=INVITATION["email"])
            .exists()
        ),
    ),
    "settings": (ADMIN, lambda c, w: c.get(_branding_url()), None),
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
            if name == "subscriber export":
                body = b"".join(response.streaming_content).decode()
                assert "one@example.com" in body, name
            elif effect is None:  # a screen
                assert response.status_code == 200, name
            else:
                assert effect(world), f"{name} by {role} did nothing"
        else:
            assert_refused(role, response, name)
            assert snapshot() == before, f"{name} by {role} changed data"
            assert len(mail.outbox) == outbox, f"{name} by {role} sent mail"
            if effect is not None:
                assert not effect(world), name
