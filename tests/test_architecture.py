"""No module of broadsheet/ imports itself in a loop, however indirectly.

Imports are read with ``ast``, at module level and inside functions alike: an
import moved into a function still ties the two modules together, it only
hides the loop from Python. ``lint-imports`` (``make lint``) checks the layers
(docs/architecture.md); this test proves there is no cycle between modules.
"""

import ast
from pathlib import Path

import pytest

from broadsheet.analytics import most_read, rollup
from broadsheet.core.chrome import build_chrome, register_chrome_part
from broadsheet.core.pagecache.paths import uncached_prefixes
from broadsheet.core.scheduler import register_scheduler_job, scheduler_jobs
from broadsheet.core.security import frame_origins
from broadsheet.core.signal_handlers import reader_content_models
from broadsheet.imports import tasks as import_tasks
from broadsheet.newsletter import compose, delivery
from broadsheet.newsletter.models import Issue, Newsletter
from broadsheet.newsroom.embeds import embed_providers
from broadsheet.newsroom.models import Author
from broadsheet.podcast.models import PodcastPromo

PACKAGE = Path(__file__).resolve().parent.parent / "broadsheet"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imported_modules(path: Path, name: str, known: set[str]) -> set[str]:
    """Every broadsheet module that ``path`` imports, anywhere in the file."""
    is_package = path.name == "__init__.py"
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                package = name.split(".")
                if not is_package:
                    package = package[:-1]
                package = package[: len(package) - (node.level - 1)]
                base = ".".join([*package, base] if base else package)
            for alias in node.names:
                # ``from package import module`` imports the module; ``from
                # module import name`` imports the module.
                submodule = f"{base}.{alias.name}"
                targets.add(submodule if submodule in known else base)
    # ``import a.b.c`` may name a module by a prefix that is a package only.
    resolved = set()
    for target in targets:
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name:
            resolved.add(target)
    return resolved


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    known = set(paths)
    return {name: imported_modules(path, name, known) for name, path in paths.items()}


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative; components of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        components.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return components


def shortest_loop(graph: dict[str, set[str]], start: str) -> list[str]:
    """One concrete loop from ``start`` back to itself, for the failure message."""
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph[node]):
            if child == start:
                return [*paths[node], start]
            if child not in paths:
                paths[child] = [*paths[node], child]
                queue.append(child)
    return [start]


def test_the_graph_sees_imports_inside_functions():
    graph = import_graph()
    # core.management.commands.run_scheduler imports the scheduler at the top;
    # the CLI imports core modules inside its functions only.
    assert (
        "broadsheet.core.scheduler"
        in graph["broadsheet.core.management.commands.run_scheduler"]
    )
    assert "broadsheet.core.caching" in graph["broadsheet.cli"]


def test_no_import_cycles_between_modules():
    graph = import_graph()
    loops = [
        f"{', '.join(component)}; for one: "
        + " -> ".join(shortest_loop(graph, component[0]))
        for component in strongly_connected(graph)
    ]
    assert loops == [], "Import cycles:\n" + "\n".join(loops)


# What the apps register into core's registries: the same jobs, models,
# chrome keys, frame origins and cache exclusions core once imported itself.


def test_the_scheduler_runs_core_jobs_then_the_apps_jobs_in_order():
    assert list(scheduler_jobs())[:2] == ["publish_scheduled", "prune_page_purges"]
    assert list(scheduler_jobs().values())[2:] == [
        compose.compose_due_issues,
        delivery.send_due_issues,
        delivery.resume_stalled,
        import_tasks.resume_stalled,
        rollup.roll_up,
        most_read.refresh_when_due,
    ]


def test_apps_register_the_models_whose_changes_readers_see():
    assert {Author, Newsletter, Issue, PodcastPromo} <= set(reader_content_models())


@pytest.mark.django_db
def test_the_chrome_keys_come_in_their_historical_order():
    chrome = build_chrome(None)
    assert list(chrome) == [
        "site_name",
        "tagline",
        "footer_text",
        "theme_colour",
        "background_colour",
        "logo",
        "sections",
        "latest_url",
        "authors_url",
        "topics_url",
        "newsletters",
        "search",
    ]


def test_a_chrome_part_or_job_name_cannot_be_taken_twice():
    with pytest.raises(ValueError):
        register_chrome_part("site_name", lambda site: "")
    with pytest.raises(ValueError):
        register_chrome_part("sections", lambda site: [])
    with pytest.raises(ValueError):
        register_scheduler_job("publish_scheduled", lambda: None)


def test_podcast_audio_is_left_to_its_own_validators():
    assert "/podcast/audio/" in uncached_prefixes()


def test_readers_may_frame_the_embed_providers():
    assert frame_origins() == sorted({p.frame_origin for p in embed_providers()})


def test_every_top_level_path_of_ours_is_a_reserved_page_slug():
    """A page slugged like one of our paths (say "follow") would never be
    reached: Django's routes come before Wagtail's pages."""
    from django.utils.text import slugify

    from broadsheet.newsroom.models import RESERVED_SLUGS
    from tests.urlwalk import routes

    firsts = {route.path.lstrip("/").split("/")[0] for route in routes()}
    # Only what a page could be slugged as: "<slug>.md" twins, "sitemap-x.xml"
    # and Wagtail's "_util" are not slugs.
    could_be_slugs = {f for f in firsts if f and slugify(f) == f and "_" not in f}
    assert could_be_slugs - RESERVED_SLUGS == set()
    assert "follow" in could_be_slugs  # the walk sees our routes
