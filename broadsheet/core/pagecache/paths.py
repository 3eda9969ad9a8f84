"""Paths no reader cache touches: the admin, files, and what apps add."""

# The admin is personal. Files are streamed with validators of their own;
# documents also go through Wagtail's view, which checks collection privacy,
# so a site-wide early 304 would let a cache keep a file since made private.
_ADMIN_PREFIXES = ("/admin/",)
_file_prefixes: tuple[str, ...] = ("/documents/", "/media/", "/static/")
_uncached = _ADMIN_PREFIXES + _file_prefixes


def register_uncached_prefix(prefix: str) -> None:
    """Keep the reader caches off files under ``prefix``: call from ``ready()``.

    For responses that carry validators of their own (podcast audio: the
    file's ETag and Range handling) and must not get the content version's.
    The page cache passes them through untouched, ranges and all.
    """
    global _file_prefixes, _uncached
    if not (prefix.startswith("/") and prefix.endswith("/")):
        raise ValueError(f"An uncached prefix is a path like /a/b/, not {prefix!r}.")
    if prefix not in _file_prefixes:
        _file_prefixes = (*_file_prefixes, prefix)
        _uncached = _ADMIN_PREFIXES + _file_prefixes


# Exact paths the page cache passes straight through (probes and metrics),
# so a probe never waits on the purge log of a database that is away.
_passed_paths: set[str] = set()


def register_passed_path(path: str) -> None:
    """Let the page cache hand ``path`` (exactly) to Django untouched."""
    if not path.startswith("/"):
        raise ValueError(f"A passed path starts with /, not {path!r}.")
    _passed_paths.add(path)


def passed_paths() -> frozenset[str]:
    return frozenset(_passed_paths)


def uncached_prefixes() -> tuple[str, ...]:
    return _uncached


def file_prefixes() -> tuple[str, ...]:
    return _file_prefixes
