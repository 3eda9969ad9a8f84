from wagtail import hooks
from wagtail.admin.userbar import ContentCheckerItem

from broadsheet.core.dashboard import TodayPanel
from broadsheet.core.pagecache.keys import ROUTE_ENVIRON, depends_on, page_key


@hooks.register("before_serve_page")
def record_page_dependency(page, request, serve_args, serve_kwargs):
    # Every page's response depends on the page itself; listings and
    # related rails add what they show (newsroom.selectors).
    depends_on(page_key(page.pk))
    request.META[ROUTE_ENVIRON] = page._meta.model_name


@hooks.register("construct_homepage_panels")
def add_today_panel(request, panels):
    panels.append(TodayPanel(request))


class ReaderContentChecker(ContentCheckerItem):
    """Wagtail's checks (accessibility, word count, reading time), run on
    what the editor wrote: the page's <main>, not the site's navigation and
    footer, which every page shares and no editor can fix from a page.
    Besides Wagtail's own rules: missing alt text, colour contrast (the
    brand colours are editable) and broken lists."""

    axe_include = ["main"]
    axe_run_only = [
        *ContentCheckerItem.axe_run_only,
        "image-alt",
        "color-contrast",
        "list",
        "listitem",
    ]


@hooks.register("construct_wagtail_userbar")
def check_what_the_editor_wrote(request, items, page):
    items[:] = [
        ReaderContentChecker(in_editor=item.in_editor)
        if isinstance(item, ContentCheckerItem)
        else item
        for item in items
    ]
