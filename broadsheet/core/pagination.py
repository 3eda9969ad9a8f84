from django.core.paginator import Page, Paginator
from django.http import Http404
from django.utils.translation import gettext as _


def page_number(request) -> int:
    """Return ``?page=`` as a number of at least 1, or raise 404."""
    raw = request.GET.get("page", "1")
    if not raw.isdigit() or len(raw) > 9 or int(raw) < 1:
        raise Http404(_("There is no such page in this listing."))
    return int(raw)


def _paginator(objects, number: int, per_page: int) -> Paginator:
    paginator = Paginator(objects, per_page, allow_empty_first_page=True)
    if number > paginator.num_pages:
        raise Http404(_("There is no such page in this listing."))
    return paginator


def page_of(items: list, number: int, total: int, per_page: int) -> Page:
    """A page of a listing fetched elsewhere: ``items`` of ``total``, or 404."""
    return Page(items, number, _paginator(range(total), number, per_page))


def paginate(request, queryset, per_page: int):
    """Return the requested page of ``queryset``, or raise 404 for a bad ``?page=``.

    Anything that is not a page number that exists (``abc``, ``-1``, ``0``,
    ``10**100``) is a 404: there is no such listing page.
    """
    number = page_number(request)
    return _paginator(queryset, number, per_page).page(number)
