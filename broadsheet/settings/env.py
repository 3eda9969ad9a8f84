"""The only module that reads the process environment.

Every Broadsheet variable is prefixed ``BROADSHEET_`` except the conventional
``DATABASE_URL`` and ``REDIS_URL``. Invalid values fail loudly at start-up.
"""

import os
import secrets
import time
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {raw!r}."
        ) from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def object_store_options(url: str) -> dict:
    """Options of the S3-compatible media store named by one URL.

    ``s3://KEY:SECRET@host[:port]/bucket[/prefix]?region=…`` speaks HTTPS,
    ``s3+http://…`` plain HTTP (a store on the same private network). The
    key and secret may instead come from ``AWS_ACCESS_KEY_ID`` and
    ``AWS_SECRET_ACCESS_KEY``, as boto3 reads them.
    """
    parts = urlsplit(url)
    schemes = {"s3": "https", "s3+https": "https", "s3+http": "http"}
    bucket, _, prefix = parts.path.lstrip("/").partition("/")
    if parts.scheme not in schemes or not parts.hostname or not bucket:
        raise ImproperlyConfigured(
            "BROADSHEET_MEDIA_STORAGE_URL must look like"
            " s3://KEY:SECRET@host/bucket (or s3+http:// for plain HTTP),"
            f" not {url!r}."
        )
    query = parse_qs(parts.query)
    host = parts.hostname + (f":{parts.port}" if parts.port else "")
    options = {
        "bucket_name": bucket,
        "location": prefix.strip("/"),
        "endpoint_url": f"{schemes[parts.scheme]}://{host}",
        "region_name": query.get("region", ["us-east-1"])[0],
        "default_acl": None,  # the bucket stays private: we serve the files
        "file_overwrite": False,
        "max_memory_size": 5 * 1024 * 1024,
        # Fail fast when the store is away: a page or /readyz must not hang.
        "client_config": _boto_config(),
    }
    if parts.username:
        options["access_key"] = unquote(parts.username)
        options["secret_key"] = unquote(parts.password or "")
    return options


def _boto_config():
    from botocore.config import Config

    return Config(
        connect_timeout=2,
        read_timeout=10,
        retries={"max_attempts": 2, "mode": "standard"},
        signature_version="s3v4",
        s3={"addressing_style": "path"},
    )


PACKAGE_DIR = Path(__file__).resolve().parent.parent


def default_data_dir() -> Path:
    """Return where data lives when ``BROADSHEET_DATA_DIR`` is not set.

    A source checkout (``make demo``) keeps it in ``var/`` beside the
    package; an installed package in the user's data folder. Never the
    working directory, so running a command from elsewhere cannot scatter
    databases and secret keys around (or into the package).
    """
    checkout = PACKAGE_DIR.parent
    in_checkout = (checkout / "pyproject.toml").is_file()
    if in_checkout and "site-packages" not in checkout.parts:
        return checkout / "var"
    xdg = env_str("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "broadsheet"


def data_dir() -> Path:
    """Return the folder holding the SQLite database, media and generated secrets."""
    configured = env_str("BROADSHEET_DATA_DIR")
    path = Path(configured).expanduser().resolve() if configured else default_data_dir()
    if path == PACKAGE_DIR or PACKAGE_DIR in path.parents:
        raise ImproperlyConfigured(
            f"BROADSHEET_DATA_DIR must not be inside the code ({PACKAGE_DIR}): "
            "data there would be packaged, committed or lost on upgrade."
        )
    return path


def secret_key(*, production: bool) -> str:
    """Return the secret key from the environment, or a per-install generated one.

    Outside production a random key is generated once and kept in the data
    folder, so a demo needs no set-up yet never runs on a well-known key.
    """
    key = env_str("BROADSHEET_SECRET_KEY")
    if key:
        return key
    if production:
        # A throw-away key lets management commands run; `broadsheet serve`
        # refuses to start without a real one (see core.checks).
        return secrets.token_urlsafe(50)
    key_file = data_dir() / "secret_key"
    key_file.parent.mkdir(parents=True, exist_ok=True)
    try:
        # Created readable by its owner only, and only once: processes that
        # start together (web workers, task worker) all read the same key.
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _attempt in range(50):
            key = key_file.read_text().strip()
            if key:
                return key
            time.sleep(0.02)  # another process is writing it right now
        problem = f"{key_file} is empty; delete it to make a new key."
        raise ImproperlyConfigured(problem) from None
    key = secrets.token_urlsafe(50)
    with os.fdopen(descriptor, "w") as file:
        file.write(key)
    return key
