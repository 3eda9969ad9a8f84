"""What the repository itself holds: no secrets, and data folders stay out."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SECRET_NAMES = ("secret_key", ".env", "id_rsa", "id_ed25519", "demo-admin-password")

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or not (ROOT / ".git").exists(),
    reason="needs a git checkout",
)


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def test_no_secret_or_data_file_is_tracked():
    tracked = _git("ls-files").splitlines()
    offending = [
        path
        for path in tracked
        if Path(path).name in SECRET_NAMES
        or path.endswith((".pem", ".key", ".sqlite3"))
        or "var" in Path(path).parts
    ]
    assert offending == []


@pytest.mark.parametrize(
    "path", ["var/secret_key", "broadsheet/var/secret_key", "tests/var/db.sqlite3"]
)
def test_data_folders_are_ignored_wherever_they_sit(path):
    # check-ignore exits 0 when the path is ignored.
    result = subprocess.run(["git", "check-ignore", "--no-index", "-q", path], cwd=ROOT)
    assert result.returncode == 0, f"{path} would be committable"
