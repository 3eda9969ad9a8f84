import math

from django.core.paginator import Page, Paginator
from django.http import Http404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _


class TooDeep(Http404):
    """A page past the deepest a listing shows: a 404, unless the app that
    owns the listing leads the reader elsewhere (newsroom's archive)."""


def page_number(request) -> int:
    """Return ``?page=`` as a number of at least 1, or raise 404."""
    raw = request.GET.get("page", "1")
    if not raw.isdigit() or len(raw) > 9 or int(raw) < 1:
        raise Http404(_("There is no such page in this listing."))
    return int(raw)


class CappedPaginator(Paginator):
    """A paginator that shows no page past ``deepest``, and so counts at most
    one item past that page: counting every row of a long listing to print
    "Page 1 of 50,000" cost more than the page, and grew with the archive.
    ``goes_deeper`` tells whether there is more past its last page."""

    def __init__(self, objects, per_page: int, deepest: int):
        super().__init__(objects, per_page, allow_empty_first_page=True)
        self.deepest = deepest

    @cached_property
    def count(self) -> int:
        return self.object_list[: self.deepest * self.per_page + 1].count()

    @cached_property
    def num_pages(self) -> int:
        return min(self.deepest, max(1, math.ceil(self.count / self.per_page)))

    @property
    def goes_deeper(self) -> bool:
        return self.count > self.deepest * self.per_page


def _paginator(objects, number: int, per_page: int, deepest=None) -> Paginator:
    if deepest is None:
        paginator = Paginator(objects, per_page, allow_empty_first_page=True)
    else:
        paginator = CappedPaginator(objects, per_page, deepest)
    if number > paginator.num_pages:
        raise Http404(_("There is no such page in this listing."))
    return paginator


def page_of(items: list, number: int, total: int, per_page: int) -> Page:
    """A page of a listing fetched elsewhere: ``items`` of ``total``, or 404."""
    return Page(items, number, _paginator(range(total), number, per_page))


def paginate(request, queryset, per_page: int, deepest: int | None = None):
    """Return the requested page of ``queryset``, or raise 404 for a bad ``?page=``.

    Anything that is not a page number that exists (``abc``, ``-1``, ``0``,
    ``10**100``) is a 404: there is no such listing page. A page past
    ``deepest`` raises ``TooDeep``, before any query: a page is read with an
    OFFSET, which costs more the deeper it is; the listing's length is then
    counted only as far as ``deepest`` (``CappedPaginator``).
    """
    number = page_number(request)
    if deepest is not None and number > deepest:
        raise TooDeep(_("This listing goes back %(pages)d pages.") % {"pages": deepest})
    return _paginator(queryset, number, per_page, deepest).page(number)
