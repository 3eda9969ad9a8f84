"""Export files uploaded in the admin, kept in a private folder until used.

Never under MEDIA_ROOT's public folders: an export holds drafts, private
posts and subscribers' addresses.
"""

import secrets
import shutil
from pathlib import Path

from django.conf import settings

NAMES = {"wordpress": "export.xml", "ghost": "export.json", "substack": "export.zip"}


def keep_upload(uploaded, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    with open(target, "wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    return target


def new_folder() -> Path:
    return Path(settings.BROADSHEET_IMPORTS_DIR) / secrets.token_hex(12)


def discard_uploads(run) -> None:
    """Remove a run's files once nothing needs them any more."""
    for value in (run.upload, run.content_upload):
        if value:
            folder = Path(value).parent
            root = Path(settings.BROADSHEET_IMPORTS_DIR).resolve()
            if folder.resolve().is_relative_to(root) and folder.resolve() != root:
                shutil.rmtree(folder, ignore_errors=True)
