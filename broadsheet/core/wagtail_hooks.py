from wagtail import hooks

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
