from django.core.paginator import Paginator
from django.http import Http404
from django.utils.translation import gettext as _


def paginate(request, queryset, per_page: int):
    """Return the requested page of ``queryset``, or raise 404 for a bad ``?page=``.

    Anything that is not a page number that exists (``abc``, ``-1``, ``0``,
    ``10**100``) is a 404: there is no such listing page.
    """
    raw = request.GET.get("page", "1")
    if not raw.isdigit() or len(raw) > 9:
        raise Http404(_("There is no such page in this listing."))
    paginator = Paginator(queryset, per_page, allow_empty_first_page=True)
    number = int(raw)
    if number < 1 or number > paginator.num_pages:
        raise Http404(_("There is no such page in this listing."))
    return paginator.page(number)
