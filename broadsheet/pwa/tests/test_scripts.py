"""The reader script's modules: none forgotten, all offline, hashed in production.

js/broadsheet.js is the entry; every other file in static/js/ must be reached
through its imports, precached by the service worker and preloaded by the
page, so a new module cannot be left out of any of them. With the production
storage, collectstatic must rewrite the imports to the hashed file names.
"""

import json
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils.functional import empty

from broadsheet.core import scripts

pytestmark = pytest.mark.django_db

# `import … from "x";`, `export … from "x";`, `import "x";` and `import("x")`.
STATIC_IMPORT = re.compile(
    r"""^\s*(?:import\s*|(?:import|export)\b[^;"']*?\bfrom\s*)["']([^"']+)["']""",
    re.M,
)
DYNAMIC_IMPORT = re.compile(r"""\bimport\(\s*["']([^"']+)["']""")
BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.S)


def specifiers(source: str) -> list[str]:
    source = BLOCK_COMMENT.sub("", source)
    return STATIC_IMPORT.findall(source) + DYNAMIC_IMPORT.findall(source)


def reachable(directory: Path, entry: str) -> set[str]:
    """File names (in ``directory``) the entry reaches through its imports."""
    seen, todo = set(), [entry]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for spec in specifiers((directory / name).read_text(encoding="utf-8")):
            # Relative, so collectstatic can rewrite it to the hashed name.
            assert re.fullmatch(r"\./[\w.-]+\.js", spec), f"{name} imports {spec!r}"
            assert (directory / spec[2:]).is_file(), f"{name} imports {spec!r}"
            todo.append(spec[2:])
    return seen


def precached(client) -> list[str]:
    script = client.get("/sw.js").content.decode()
    return json.loads(re.search(r"const PRECACHE = (\[.*?\]);", script)[1])


def sw_version(client) -> str:
    script = client.get("/sw.js").content.decode()
    return re.search(r'const VERSION = "(\w+)"', script)[1]


def preloaded(client) -> list[str]:
    html = client.get("/").content.decode()
    return re.findall(r'<link rel="modulepreload" href="([^"]+)">', html)


def test_every_module_is_imported_precached_and_preloaded(client, publication):
    files = {path.name for path in scripts.JS_DIR.glob("*.js")}
    assert {"broadsheet.js", "csrf.js", "saved.js", "install.js"} <= files
    assert {f"js/{name}" for name in files} == {scripts.ENTRY, *scripts.MODULES}
    assert reachable(scripts.JS_DIR, "broadsheet.js") == files
    assert {f"/static/js/{name}" for name in files} <= set(precached(client))
    assert set(preloaded(client)) == {f"/static/{path}" for path in scripts.MODULES}


def test_collectstatic_rewrites_imports_to_hashed_names(
    client, publication, settings, tmp_path
):
    from django.contrib.staticfiles.storage import staticfiles_storage

    source = tmp_path / "source"
    shutil.copytree(scripts.JS_DIR.parent, source)
    root = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "broadsheet.core.storage.StaticFilesStorage"},
    }
    settings.STATIC_ROOT = str(root)
    settings.STATICFILES_DIRS = [str(source)]
    settings.STATICFILES_FINDERS = [
        "django.contrib.staticfiles.finders.FileSystemFinder"
    ]

    def collect() -> dict[str, str]:
        staticfiles_storage._wrapped = empty  # read the new manifest
        call_command("collectstatic", interactive=False, clear=True, verbosity=0)
        return json.loads((root / "staticfiles.json").read_text())["paths"]

    hashed = collect()
    modules = [scripts.ENTRY, *scripts.MODULES]
    for path in modules:
        assert re.fullmatch(re.escape(path[:-3]) + r"\.[0-9a-f]{12}\.js", hashed[path])
    entry = hashed[scripts.ENTRY].removeprefix("js/")
    assert reachable(root / "js", entry) == {
        hashed[path].removeprefix("js/") for path in modules
    }
    assert {f"/static/{hashed[path]}" for path in modules} <= set(precached(client))
    assert set(preloaded(client)) == {f"/static/{hashed[p]}" for p in scripts.MODULES}

    # A change in a module that only other modules import still gives the
    # entry a new name, and the service worker a new version.
    version = sw_version(client)
    with (source / "js" / "storage.js").open("a") as module:
        module.write("// changed\n")
    rehashed = collect()
    assert rehashed[scripts.ENTRY] != hashed[scripts.ENTRY]
    assert sw_version(client) != version
