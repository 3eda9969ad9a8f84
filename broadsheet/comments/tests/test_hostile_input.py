"""Hostile input through the real forms: comments, profiles and sign-up.

Every case goes through the HTTP form a member would use. A hostile comment is
either published as inert markup (checked in the anonymous article page with
lxml) or refused with a message saying why; hostile display names, bios and
websites are refused or shown escaped. Nothing may answer with a 500.
"""

import re

import lxml.html
import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from lxml import etree

from broadsheet.accounts.models import Member
from broadsheet.comments.forms import started_token
from broadsheet.comments.models import Comment
from broadsheet.testing import factories

pytestmark = pytest.mark.django_db

NOT_A_500 = {302, 400, 403, 429}
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
CONTROLS = re.compile(r"[\x00-\x20\x7f-\x9f]")
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
ACTIVE = "script iframe object embed svg math style form input meta link base".split()
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href"}
REL = {"nofollow", "ugc", "noopener"}
PASSWORD = "a long passphrase 42"
TOO_LONG = "Comments can be at most 5000 characters; this one has"
EMPTY = "Write something before posting."
LINKS = "A comment can contain at most 2 links."
NESTED = "Quotes and lists can be nested at most 10 levels deep."
ENTITY_LINKS = " ".join(f"[{x}](h&#116;tps://{x}.io)" for x in "abc")  # https://


@pytest.fixture(autouse=True)
def publish_at_once(settings):
    settings.COMMENTS = {**settings.COMMENTS, "HOLD_FIRST": 0}


@pytest.fixture
def article(publication):
    return publication["articles"][0]


@pytest.fixture
def mallory(client):
    user = factories.make_member("mallory@example.com", display_name="Mallory")
    client.force_login(user)
    return user


def post_comment(client, article, text, **fields):
    data = {"text": text, "started": started_token(), "website": "", **fields}
    return client.post(f"/comments/post/{article.pk}/", data)


def tree(response):
    return lxml.html.fromstring(response.content)


def errors_text(response) -> str:
    return " ".join(e.text_content() for e in tree(response).find_class("form-errors"))


def assert_inert(root, *, links_in=()):
    """Nothing under ``root`` that a browser would run or load as a document."""
    found = [el.tag for el in root.iter(*ACTIVE)]
    assert not found, f"active elements: {found}"
    for el in root.iter(etree.Element):
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), f"{el.tag} has {name}"
            if name.lower() in URL_ATTRIBUTES:
                address = CONTROLS.sub("", value).lower()
                assert not address.startswith(BAD_SCHEMES), f"{name}={value!r}"
    for body in links_in:
        for a in body.iter("a"):
            assert set(a.get("rel", "").split()) == REL, lxml.html.tostring(a)
            href = CONTROLS.sub("", a.get("href", "https:")).lower()
            assert href.startswith(("https:", "http:", "mailto:")), href


def c(text, refused=None, *, id):
    return pytest.param(text, refused, id=id)


CORPUS = [
    c("<script>alert(1)</script>", id="script-tag"),
    c("<ScRiPt >alert(1)</sCrIpT >", id="script-mixed-case"),
    c("<img src=x onerror=alert(1)>", id="img-onerror"),
    c("<svg onload=alert(1)><circle r=9 /></svg>", id="svg-onload"),
    c("<svg><script>alert(1)</script></svg>", id="svg-script"),
    c('<iframe src="javascript:alert(1)"></iframe>', id="iframe"),
    c("[click](javascript:alert(1))", id="md-link-javascript"),
    c("[click](JaVaScRiPt:alert(1))", id="md-link-mixed-case"),
    c("[click](&#106;avascript:alert(1))", id="md-link-entity"),
    c("[click](&#x6A;&#x61;vascript:alert(1))", id="md-link-hex-entity"),
    c("[click](java&#x09;script:alert(1))", id="md-link-tab-entity"),
    c("[click](\x01javascript:alert(1))", id="md-link-control-char"),
    c("[click](<javascript:alert(1)>)", id="md-link-angle-brackets"),
    c("[click](data:text/html;base64,PHNjcmlwdD4=)", id="md-link-data-html"),
    c("[click](vbscript:msgbox(1))", id="md-link-vbscript"),
    c("<javascript:alert(1)>", id="autolink-javascript"),
    c("<data:text/html,<script>alert(1)</script>>", id="autolink-data"),
    c("<vbscript:msgbox(1)>", id="autolink-vbscript"),
    c("![x](javascript:alert(1))", id="md-image-javascript"),
    c('![x" onerror="alert(1)](https://example.com/a.png)', id="md-image-breakout"),
    c('[x](https://example.com "t\\" onmouseover=\\"alert(1)")', id="md-title"),
    c('<div onclick="alert(1)">\n\n**bold**\n\n</div>', id="raw-html-block"),
    c('<b><i><a href="javascript:alert(1)">unclosed', id="unclosed-tags"),
    c('<a href="https://example.com" onclick="alert(1)">x</a>', id="a-onclick"),
    c('<form action="https://evil.example"><input type=password></form>', id="form"),
    c('<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', id="meta"),
    c('<object data="data:text/html,x"></object><embed src="x.swf">', id="object"),
    c('<style>p{}</style><p style="width:expression(alert(1))">x</p>', id="css"),
    c("<!-- <script>alert(1)</script> -->visible", id="html-comment"),
    c("&lt;script&gt;alert(1)&lt;/script&gt;", id="entity-encoded-script"),
    c("<math><a xlink:href='javascript:alert(1)'>x</a></math>", id="mathml"),
    c("```html\n<script>alert(1)</script>\n```", id="fenced-script"),
    c("`" * 3000 + "<script>alert(1)</script>", id="backtick-flood"),
    c(("*" * 50 + "x") * 98, id="emphasis-bomb"),
    c("*_" * 2500, id="emphasis-alternating"),
    c("> " * 500 + "deep", NESTED, id="nested-quotes"),
    c("- " * 1000 + "x", NESTED, id="nested-lists"),
    c(
        "".join(" " * 2 * i + "1. item\n" for i in range(55)),
        NESTED,
        id="indented-lists",
    ),
    c("> " * 3 + "a quote in a quote in a quote", id="shallow-quotes"),
    c("[](" * 1666, id="bracket-flood"),
    c("Invoice \u202egnp.exe\u202c \u2066iso\u2069 \u202a\u202b\u202d", id="rtl"),
    c("zero\u200bwidth\u2060no\ufeffbreak", id="zero-width"),
    c("bell\x07 escape\x1b[31m backspace\x08", id="c0-controls"),
    c("before\x00after", "Null characters are not allowed.", id="nul-byte"),
    c("a" * 1_000_000, f"{TOO_LONG} 1000000.", id="one-megabyte"),
    c("x" * 6000, f"{TOO_LONG} 6000.", id="6000-chars"),
    c(" \n\t\u00a0 \r\n ", EMPTY, id="only-whitespace"),
    c("\u202e\u200b\u2066\ufeff", EMPTY, id="only-invisible"),
    c("https://a.example https://b.example www.c.example", LINKS, id="3-urls"),
    c("[a](https://a.io) [b](https://b.io) [c](https://c.io)", LINKS, id="3-md-links"),
    c("[a](mailto:a@x.io) [b](mailto:b@x.io) [c](mailto:c@x.io)", LINKS, id="3-mailto"),
    c(ENTITY_LINKS, LINKS, id="3-entity-encoded-links"),
]


@pytest.mark.parametrize(("text", "refused"), CORPUS)
def test_hostile_comment_is_inert_or_refused(client, article, mallory, text, refused):
    response = post_comment(client, article, text)
    assert response.status_code in NOT_A_500
    if refused:
        assert response.status_code == 400
        assert refused in errors_text(response)
        assert not Comment.objects.exists()
        if "<" in text:
            assert text.encode() not in response.content  # echoed escaped
        return
    assert response.status_code == 302, errors_text(response)
    stored = Comment.objects.get()
    assert stored.status == Comment.Status.PUBLISHED
    assert not BIDI.search(stored.body) and not BIDI.search(stored.body_html)

    page = Client().get(article.url)
    assert page.status_code == 200
    section = tree(page).get_element_by_id("comments")
    bodies = section.find_class("comment__body")
    assert len(bodies) == 1
    assert_inert(section, links_in=bodies)
    assert not bodies[0].xpath(".//img")
    assert not BIDI.search(bodies[0].text_content())


NO_REPLY = "The comment you replied to no longer exists."
HIDDEN_FIELDS = [
    c({"website": "https://spam.example"}, "This looks automated", id="honeypot"),
    c({"started": "forged<script>"}, "This form has expired.", id="forged-token"),
    c({"reply_to": "<script>alert(1)</script>"}, "Enter a whole number.", id="markup"),
    c({"reply_to": "987654"}, NO_REPLY, id="reply-to-missing"),
    c({"reply_to": "9" * 40}, NO_REPLY, id="reply-to-huge"),
]


@pytest.mark.parametrize(("fields", "message"), HIDDEN_FIELDS)
def test_hostile_hidden_field_is_refused(client, article, mallory, fields, message):
    response = post_comment(client, article, "A fair point.", **fields)
    assert response.status_code == 400
    assert message in errors_text(response)
    assert b"<script>alert(1)" not in response.content
    assert not Comment.objects.exists()


TAKEN = "That name, or one that looks like it, is taken."
HIDDEN = "Names cannot contain invisible or control characters."
CHARACTERS = "Use letters, digits, spaces and . - _ ' only"
RESERVED = "That name is reserved."
NAMES = [
    c("\u0421\u043e\u0440\u0435", TAKEN, id="cyrillic-homoglyphs"),
    c("\uff23\uff4f\uff50\uff45", TAKEN, id="fullwidth"),
    c("C\u00f3p\u00e9", TAKEN, id="accents"),
    c("C o-p.e", TAKEN, id="spacing"),
    c("Ernma", TAKEN, id="rn-for-m"),
    c("\u0410da", "Write your name in one alphabet", id="mixed-script"),
    c("Ada\u202eevil", HIDDEN, id="rtl-override"),
    c("A\u200dda", HIDDEN, id="zero-width-joiner"),
    c("Co\u200bpe", HIDDEN, id="zero-width-space"),
    c("<script>", f"{CHARACTERS} (not \u201c<\u201d).", id="script-tag"),
    c('Ada" onmouseover="x', CHARACTERS, id="attribute"),
    c("admin", RESERVED, id="admin"),
    c("Adm1n", RESERVED, id="adm1n"),
    c("\uff21\uff24\uff2d\uff29\uff2e", RESERVED, id="fullwidth-admin"),
    c("Ada\x00", "Null characters are not allowed.", id="nul"),
    c("A" * 60, "Use at most 40 characters.", id="long"),
    c("...", "A name needs at least one letter.", id="no-letter"),
]


@pytest.mark.parametrize("form", ["signup", "profile"])
@pytest.mark.parametrize(("name", "message"), NAMES)
def test_a_hostile_display_name_is_refused_with_a_reason(client, form, name, message):
    factories.make_member("cope@example.com", display_name="Cope")
    factories.make_member("emma@example.com", display_name="Emma")
    if form == "profile":
        client.force_login(factories.make_member("mallory@example.com"))
        data = {"display_name": name, "bio": "", "website": ""}
        response = client.post("/accounts/profile/", data)
        assert response.status_code == 400
    else:
        data = {"display_name": name, "email": "new@example.com"}
        data |= {"password1": PASSWORD, "password2": PASSWORD}
        response = client.post("/accounts/signup/", data)
        assert response.status_code in {200, 400}
    assert message in tree(response).text_content()
    if set(name) & set('<>"'):
        assert name.encode() not in response.content  # echoed escaped
    names = set(Member.objects.values_list("display_name", flat=True))
    assert names <= {"Cope", "Emma", "Member mallory"}
    assert get_user_model().objects.count() == 2 + (form == "profile")


BAD_URL = "Enter a valid URL."
WEBSITES = [
    c("javascript:alert(1)", BAD_URL, id="javascript"),
    c(" JaVaScRiPt:alert(1)", BAD_URL, id="mixed-case"),
    c("data:text/html,<script>alert(1)</script>", BAD_URL, id="data"),
    c("vbscript:msgbox(1)", BAD_URL, id="vbscript"),
    c("ftp://example.com/", "Use a web address starting with https://.", id="ftp"),
    c('https://example.com/"><script>alert(1)</script>', None, id="breakout"),
    c("https://example.com/\u202egnp.exe", None, id="rtl-override"),
]


@pytest.mark.parametrize(("website", "message"), WEBSITES)
def test_a_hostile_website_is_refused_or_shown_inert(client, mallory, website, message):
    """``None``: may be refused with a message, or saved and shown inert."""
    data = {"display_name": "Mallory", "bio": "", "website": website}
    response = client.post("/accounts/profile/", data)
    member = Member.objects.get(user=mallory)
    if message or response.status_code != 302:
        assert response.status_code == 400
        refusals = response.context["form"].errors.get("website", [])
        assert refusals and refusals[0] in tree(response).text_content()
        assert message in (None, *refusals)
        assert member.website == ""
        return
    profile = Client().get(member.get_absolute_url())
    (header,) = tree(profile).find_class("profile")
    assert_inert(header)
    assert not BIDI.search(lxml.html.tostring(header, encoding=str))


HOSTILE_BIO = '<script>alert(1)</script><img src=x onerror="alert(1)"> \u202eevil'
BIOS = [
    c(HOSTILE_BIO, id="markup"),
    c("b" * 1_000_000, "at most 500 characters (it has 1000000)", id="one-megabyte"),
]


@pytest.mark.parametrize(("bio", "message"), BIOS)
def test_a_hostile_bio_is_refused_or_shown_as_text(client, mallory, bio, message):
    data = {"display_name": "Mallory", "bio": bio, "website": ""}
    response = client.post("/accounts/profile/", data)
    if message:
        assert response.status_code == 400
        assert message in tree(response).text_content()
        return
    assert response.status_code == 302
    profile = Client().get(Member.objects.get(user=mallory).get_absolute_url())
    (header,) = tree(profile).find_class("profile")
    assert_inert(header)
    assert not header.xpath(".//img[@onerror]")
    assert "<script>alert(1)</script>" in header.text_content()  # shown, as text
    assert not BIDI.search(header.text_content())
