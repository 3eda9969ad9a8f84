"""Export files uploaded in the admin, kept privately until the worker is done.

An export holds drafts, private posts and subscribers' addresses, so it is
never put where /media/ serves from. On one machine it waits in
``BROADSHEET_IMPORTS_DIR``. When media live in an object store (several
machines), the web node that took the upload is not the worker's machine:
the file goes to the store's private ``imports/`` folder (never a public
media folder, core/media.py), and the worker copies it to its own disk for
the import, which reads it more than once.

A run keeps a reference to each file: a local path, or ``store:<name>``.
"""

import secrets
import shutil
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage

from broadsheet.core.object_store import is_local

NAMES = {"wordpress": "export.xml", "ghost": "export.json", "substack": "export.zip"}
STORE = "store:"
STORE_FOLDER = "imports"


def new_folder() -> str:
    return secrets.token_hex(12)


def keep_upload(uploaded, folder: str, name: str) -> str:
    """Keep an uploaded file where the worker can read it; return its reference."""
    if not is_local(default_storage):
        saved = default_storage.save(f"{STORE_FOLDER}/{folder}/{name}", uploaded)
        return STORE + saved
    target = Path(settings.BROADSHEET_IMPORTS_DIR) / folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as out:
        for chunk in uploaded.chunks():
            out.write(chunk)
    return str(target)


@contextmanager
def local_files(*references: str):
    """Yield a local path for each reference (None for an empty one).

    Files in the store are copied to this machine for the duration, and
    removed after.
    """
    copies = Path(settings.BROADSHEET_IMPORTS_DIR) / f"copy-{secrets.token_hex(8)}"
    paths = []
    try:
        for reference in references:
            if not reference:
                paths.append(None)
            elif reference.startswith(STORE):
                name = reference.removeprefix(STORE)
                target = copies / Path(name).name
                target.parent.mkdir(parents=True, exist_ok=True)
                with (
                    default_storage.open(name, "rb") as source,
                    open(target, "wb") as out,
                ):
                    shutil.copyfileobj(source, out, 1024 * 1024)
                paths.append(target)
            else:
                paths.append(Path(reference))
        yield paths
    finally:
        shutil.rmtree(copies, ignore_errors=True)


def discard_uploads(run) -> None:
    """Remove a run's files once nothing needs them any more."""
    members = (run.options or {}).get("members", "")
    for value in (run.upload, run.content_upload, members):
        if not value:
            continue
        if value.startswith(STORE):
            name = value.removeprefix(STORE)
            if name.startswith(f"{STORE_FOLDER}/"):
                default_storage.delete(name)
            continue
        folder = Path(value).parent
        root = Path(settings.BROADSHEET_IMPORTS_DIR).resolve()
        if folder.resolve().is_relative_to(root) and folder.resolve() != root:
            shutil.rmtree(folder, ignore_errors=True)
