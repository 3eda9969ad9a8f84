"""Settings come from the environment; CI's PostgreSQL run really uses PostgreSQL."""

import os

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from broadsheet.settings import env


def test_database_follows_database_url():
    url = os.environ.get("DATABASE_URL", "")
    expected = (
        "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    )
    assert connection.vendor == expected


def test_production_problems_are_reported(settings):
    from broadsheet.core.checks import production_problems

    settings.PRODUCTION = True
    settings.DEBUG = True
    settings.SECRET_KEY_FROM_ENV = False
    settings.ALLOWED_HOSTS = []
    settings.BASE_URL_FROM_ENV = True
    assert len(production_problems()) == 3
    settings.DEBUG = False
    settings.SECRET_KEY_FROM_ENV = True
    settings.ALLOWED_HOSTS = ["news.example.org"]
    assert production_problems() == []


@pytest.mark.parametrize("raw,expected", [("1", True), ("false", False), ("On", True)])
def test_env_bool(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env.env_bool("X_FLAG") is expected


def test_bad_env_values_fail_loudly(monkeypatch):
    monkeypatch.setenv("X_FLAG", "perhaps")
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG must be true or false"):
        env.env_bool("X_FLAG")
    with pytest.raises(ImproperlyConfigured, match="X_NUM must be a whole number"):
        env.env_int("X_NUM", 1)


def test_generated_secret_key_is_kept_per_install(monkeypatch, tmp_path):
    monkeypatch.setenv("BROADSHEET_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("BROADSHEET_SECRET_KEY", raising=False)
    first = env.secret_key(production=False)
    assert len(first) >= 50
    assert env.secret_key(production=False) == first
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"
    assert settings.SECRET_KEY  # the running suite has one too


def test_data_folder_does_not_follow_the_working_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("BROADSHEET_DATA_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    # In a source checkout the data stays in var/ beside the package.
    assert env.data_dir() == env.PACKAGE_DIR.parent / "var"
    monkeypatch.chdir(env.PACKAGE_DIR)
    assert env.data_dir() == env.PACKAGE_DIR.parent / "var"


def test_a_data_folder_inside_the_code_is_refused(monkeypatch):
    monkeypatch.setenv("BROADSHEET_DATA_DIR", str(env.PACKAGE_DIR / "var"))
    with pytest.raises(ImproperlyConfigured, match="must not be inside the code"):
        env.data_dir()


def test_production_needs_the_public_address(settings):
    from broadsheet.core.checks import production_problems

    settings.PRODUCTION, settings.DEBUG = True, False
    settings.SECRET_KEY_FROM_ENV, settings.ALLOWED_HOSTS = True, ["news.example.org"]
    settings.BASE_URL_FROM_ENV = False
    assert [p for p in production_problems() if "BROADSHEET_BASE_URL" in p]


def test_processes_starting_together_share_one_secret_key(monkeypatch, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setenv("BROADSHEET_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("BROADSHEET_SECRET_KEY", raising=False)
    with ThreadPoolExecutor(8) as pool:
        keys = set(pool.map(lambda _: env.secret_key(production=False), range(16)))
    assert len(keys) == 1
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


@pytest.mark.django_db
def test_wagtail_password_reset_is_off(client):
    # One reset flow, allauth's, with its rate limits.
    response = client.get("/admin/password_reset/")
    assert response.status_code in (302, 404)
    assert "/admin/password_reset/" not in response.get("Location", "")
