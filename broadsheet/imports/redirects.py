"""Permanent redirects from an item's old addresses to its new one."""

from collections.abc import Callable

from wagtail.contrib.redirects.models import Redirect

from broadsheet.core.caching import reader_content_changed
from broadsheet.core.pagecache.keys import MISSING
from broadsheet.imports.ledger import Ledger
from broadsheet.imports.report import Report


class Redirects:
    """``pages_here()`` is the queryset of pages under the home page."""

    def __init__(
        self, *, ledger: Ledger, report: Report, pages_here: Callable, dry_run: bool
    ):
        self.ledger, self.report = ledger, report
        self.pages_here, self.dry_run = pages_here, dry_run

    def add(self, paths, target=None, *, link: str = "") -> None:
        """A 301 from each of ``paths`` to the page ``target`` (or to ``link``).

        An address where another page lives is left to it, and a redirect an
        editor made here is never replaced (the report says so).
        """
        target_path = Redirect.normalise_path(link or target.url)
        wanted = {Redirect.normalise_path(path) for path in paths}
        wanted = {old for old in wanted if old and len(old) <= 255} - {target_path}
        single = {old[1:] for old in wanted if old.count("/") == 1 and "?" not in old}
        if single:
            served = self.pages_here().filter(slug__in=single)
            if target is not None:
                served = served.exclude(pk=target.pk)
            wanted -= {f"/{slug}" for slug in served.values_list("slug", flat=True)}
        existing = {
            redirect.old_path: redirect
            for redirect in Redirect.objects.filter(old_path__in=wanted, site=None)
        }
        ours = self.ledger.object_ids("redirect", existing)
        for old, redirect in existing.items():
            if ours.get(old) != redirect.pk:
                self.report.count("redirect", "kept")
                self.report.warn(
                    f"redirect {old}",
                    "a redirect made here already uses this address; left as it is",
                )
            elif (redirect.redirect_page_id, redirect.redirect_link) != (
                None if link else target.pk,
                link,
            ):
                redirect.redirect_page = None if link else target
                redirect.redirect_link = link
                redirect.save()
                self.report.count("redirect", "updated")
        new = sorted(wanted - set(existing))
        self.report.count("redirect", "created", len(new))
        if self.dry_run or not new:
            return
        created = Redirect.objects.bulk_create(
            Redirect(
                old_path=old,
                site=None,
                is_permanent=True,
                redirect_page=None if link else target,
                redirect_link=link,
            )
            for old in new
        )
        self.ledger.remember_created("redirect", {r.old_path: r for r in created})
        # Addresses that were "not found" lead somewhere now.
        reader_content_changed(keys=(MISSING,))

    def plan(self, paths, new_path: str) -> None:
        """Count the redirects ``paths`` would add for a new page (dry runs)."""
        new = Redirect.normalise_path(new_path)
        paths = {Redirect.normalise_path(path) for path in paths} - {new}
        existing = set(
            Redirect.objects.filter(old_path__in=paths, site=None).values_list(
                "old_path", flat=True
            )
        )
        self.report.count("redirect", "created", len(paths - existing))
        self.report.count("redirect", "kept", len(existing))
