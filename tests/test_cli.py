"""The `broadsheet` command end to end: demo, serve, scheduler, admin login.

These run the real command in a subprocess against a throw-away data folder,
exactly as `make demo` does.
"""

import json
import re
import time
from pathlib import Path

import pytest
import requests

from tests import processes
from tests.processes import (
    SCHEDULE_AN_ARTICLE,
    broadsheet,
    cli_env,
    free_port,
    shell,
)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    # One demo server for the tests that only read from it or add to it.
    with processes.demo_server(
        tmp_path_factory.mktemp("demo"), "--workers", "1"
    ) as demo:
        yield demo


def test_demo_serves_every_page_type_and_the_printed_login_works(demo_server):
    base, output = demo_server["base"], demo_server["output"]
    home = requests.get(base + "/", timeout=10)
    assert home.status_code == 200
    assert "The Broadsheet Wire" in home.text
    assert not home.cookies

    article_path = re.search(
        r'class="card__title"><a href="(/[a-z0-9-]+/)"', home.text
    )[1]
    article = requests.get(base + article_path, timeout=10)
    assert article.status_code == 200 and "Key takeaways" in article.text

    tag_path = re.search(r'href="(/tags/[a-z0-9-]+/)"', article.text)[1]
    author_path = re.search(
        r'href="(/authors/[a-z0-9-]+/)" rel="author"', article.text
    )[1]
    for path, text in [
        ("/news/", "News"),
        (tag_path, "Topic"),
        (author_path, "Articles"),
    ]:
        response = requests.get(base + path, timeout=10)
        assert response.status_code == 200, path
        assert text in response.text
    # Static files and generated images are served too.
    css = re.search(r'href="(/static/css/broadsheet\.[0-9a-f]+\.css)"', home.text)[1]
    assert requests.get(base + css, timeout=10).status_code == 200
    image = re.search(r'src="(/media/images/[^"]+)"', home.text)[1]
    assert (
        requests.get(base + image, timeout=10)
        .headers["Content-Type"]
        .startswith("image/")
    )

    email = re.search(r"ADMIN_EMAIL=(\S+)", output)[1]
    password = re.search(r"ADMIN_PASSWORD=(\S+)", output)[1]
    session = requests.Session()
    # The no-JavaScript sign-in path: the form with its token.
    login_page = session.get(base + "/admin/login/?next=/admin/&csrf=1", timeout=10)
    assert login_page.url.startswith(base + "/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text)[1]
    response = session.post(
        login_page.url,
        data={"csrfmiddlewaretoken": token, "login": email, "password": password},
        headers={"Referer": login_page.url},
        timeout=10,
    )
    assert response.status_code == 200
    assert response.url == base + "/admin/"
    assert "Dashboard" in response.text or "Pages" in response.text


def test_scheduled_publishing_runs_under_the_demo_server(demo_server):
    base, env = demo_server["base"], demo_server["env"]
    slug_line = shell(SCHEDULE_AN_ARTICLE, env=env)
    assert slug_line.returncode == 0, slug_line.stderr
    slug = re.search(r"SLUG=(\S+)", slug_line.stdout)[1]
    assert requests.get(f"{base}/{slug}/", timeout=10).status_code == 404

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if requests.get(f"{base}/{slug}/", timeout=10).status_code == 200:
            break
        time.sleep(0.5)
    else:
        raise AssertionError("the scheduler did not publish the scheduled article")


def test_rerunning_demo_keeps_content_and_edits(tmp_path):
    env = cli_env(tmp_path / "data")
    first = broadsheet("demo", "--no-serve", env=env)
    assert first.returncode == 0, first.stderr
    count = (
        "from broadsheet.newsroom.models import ArticlePage as A; "
        "print(A.objects.count())"
    )
    before = shell(count, env=env).stdout.strip()
    edit = shell(
        "from broadsheet.newsroom.models import Author\n"
        "Author.objects.filter(pk=Author.objects.order_by('pk')[0].pk).update(bio='Mine')",
        env=env,
    )
    assert edit.returncode == 0, edit.stderr

    second = broadsheet("demo", "--no-serve", env=env)
    assert second.returncode == 0, second.stderr
    assert "0 articles" in second.stdout
    assert shell(count, env=env).stdout.strip() == before
    bio = shell(
        "from broadsheet.newsroom.models import Author; "
        "print(Author.objects.order_by('pk')[0].bio)",
        env=env,
    )
    assert bio.stdout.strip() == "Mine"
    assert (
        re.search(r"ADMIN_PASSWORD=(\S+)", first.stdout)[1]
        == re.search(r"ADMIN_PASSWORD=(\S+)", second.stdout)[1]
    )


def test_serve_refuses_unsafe_production_settings(tmp_path):
    env = cli_env(tmp_path / "data")
    env.update(BROADSHEET_ENV="production", BROADSHEET_DEBUG="true")
    result = broadsheet("serve", "--no-migrate", env=env)
    assert result.returncode == 2
    assert "BROADSHEET_DEBUG is on" in result.stderr
    assert "BROADSHEET_SECRET_KEY must be set" in result.stderr
    assert "BROADSHEET_ALLOWED_HOSTS must list" in result.stderr


def test_management_commands_pass_through(tmp_path):
    result = broadsheet("check", env=cli_env(tmp_path / "data"))
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
    assert "usage: broadsheet" in broadsheet("help", env=cli_env(tmp_path)).stdout


def test_data_stays_in_the_checkout_whatever_the_working_directory(tmp_path):
    # As README says: `make demo` (or any broadsheet command) keeps its data
    # in var/ of the checkout, even when started from another folder.
    env = cli_env(tmp_path / "unused")
    del env["BROADSHEET_DATA_DIR"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = shell(
        "from django.conf import settings; print(settings.DATA_DIR)",
        env=env,
        cwd=elsewhere,
    )
    assert result.returncode == 0, result.stderr
    checkout = Path(__file__).resolve().parent.parent
    assert result.stdout.strip() == str(checkout / "var")
    assert list(elsewhere.iterdir()) == []


def _mail_containing(folder: Path, text: str, deadline: float) -> str:
    while time.monotonic() < deadline:
        for file in sorted(folder.glob("*.log")) if folder.exists() else []:
            content = file.read_text(errors="replace")
            if text in content:
                return content
        time.sleep(0.5)
    raise AssertionError(f"no mail to {text} in {folder}")


def test_mail_links_point_at_the_port_the_demo_serves_on(demo_server):
    # Newsletter mail and account mail both use the address the demo listens
    # on, and allauth's mail names the site.
    base, env = demo_server["base"], demo_server["env"]
    mail_folder = Path(env["BROADSHEET_DATA_DIR"]) / "mail"
    session = requests.Session()
    token = session.get(base + "/csrf/", timeout=10).json()["token"]
    page = session.get(base + "/newsletters/", timeout=10).text
    newsletter = re.search(r'name="newsletters" value="(\d+)"', page)[1]
    headers = {"Referer": base + "/"}
    session.post(
        base + "/newsletters/",
        data={
            "csrfmiddlewaretoken": token,
            "email": "port-reader@example.com",
            "newsletters": newsletter,
        },
        headers=headers,
        timeout=10,
    )
    session.post(
        base + "/accounts/signup/",
        data={
            "csrfmiddlewaretoken": token,
            "display_name": "Port Reader",
            "email": "port-member@example.com",
            "password1": "a long and unusual passphrase 41",
            "password2": "a long and unusual passphrase 41",
        },
        headers=headers,
        timeout=10,
    )
    deadline = time.monotonic() + 60
    for address in ("port-reader@example.com", "port-member@example.com"):
        message = _mail_containing(mail_folder, f"To: {address}", deadline)
        links = re.findall(r"https?://[^\s\"'<>]+", message)
        assert links, message
        assert all(link.startswith(base + "/") for link in links), links
    account_mail = _mail_containing(
        mail_folder, "To: port-member@example.com", time.monotonic() + 1
    )
    assert "Hello from The Broadsheet Wire!" in account_mail
    assert " from !" not in account_mail and "using !" not in account_mail


# The editor's process publishes, unpublishes and restricts an article, and
# after each change itself polls the demo server's search until the results
# agree: the delay measured runs from the change to the first answer that
# shows it, through the server's task worker (which indexes) and page cache.
SEARCH_FOLLOWS = (
    "import json, re, time, urllib.request\n"
    "from wagtail.models import PageViewRestriction\n"
    "from broadsheet.newsroom.models import Author, HomePage, SectionPage\n"
    "from broadsheet.testing import factories\n"
    "def found():\n"
    "    url = {base!r} + '/search/?q=axolotl'\n"
    "    page = urllib.request.urlopen(url, timeout=10).read().decode()\n"
    "    return int(re.search(r'(\\d+) results? for', page)[1])\n"
    "def settle(expected):\n"
    "    changed = time.monotonic()\n"
    "    while time.monotonic() - changed < 20:\n"
    "        if found() == expected:\n"
    "            return round(time.monotonic() - changed, 2)\n"
    "        time.sleep(0.1)\n"
    "    return None\n"
    "assert found() == 0\n"
    "article = factories.make_article(HomePage.objects.get(),\n"
    "    SectionPage.objects.order_by('pk').first(), [Author.objects.first()],\n"
    "    title='Axolotl genomes help labs model tissue repair')\n"
    "seconds = {{'published': settle(1)}}\n"
    "article.unpublish()\n"
    "seconds['unpublished'] = settle(0)\n"
    "article.save_revision().publish()\n"
    "seconds['republished'] = settle(1)\n"
    "PageViewRestriction.objects.create(page=article,\n"
    "    restriction_type='password', password='x')\n"
    "seconds['restricted'] = settle(0)\n"
    "print('SECONDS=' + json.dumps(seconds))"
)


def test_search_follows_publishing_within_seconds(demo_server):
    base, env = demo_server["base"], demo_server["env"]
    done = shell(SEARCH_FOLLOWS.format(base=base), env=env)
    assert done.returncode == 0, done.stderr
    seconds = json.loads(done.stdout.split("SECONDS=", 1)[1])
    assert None not in seconds.values(), seconds
    assert max(seconds.values()) < 5, seconds


def test_an_unreachable_service_is_one_line_at_start_up(tmp_path):
    closed = free_port()
    env = cli_env(tmp_path / "data")
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed}/broadsheet",
        REDIS_URL=f"redis://127.0.0.1:{closed}/0",
    )
    for role in ("web", "worker", "scheduler"):
        result = broadsheet("serve", "--role", role, env=env)
        assert result.returncode == 2
        assert result.stderr.strip().splitlines() == [
            "broadsheet: cannot reach the database (check DATABASE_URL),"
            " the cache (check REDIS_URL); not starting."
        ]
    env = cli_env(tmp_path / "data")
    env.update(BROADSHEET_CDN_PURGE="ftp://cdn.example.net")
    result = broadsheet("prepare", env=env)
    assert result.returncode == 2
    assert "BROADSHEET_CDN_PURGE: 'ftp://cdn.example.net' is not" in result.stderr
    assert "Traceback" not in result.stderr
