"""Setting up a new site: the home page Wagtail's placeholder makes way for."""

from wagtail.models import Page, Site

from broadsheet.newsroom.models import HomePage


def ensure_home_page(*, site_name: str = "") -> HomePage:
    """Return the home page, replacing Wagtail's placeholder on first run.

    A new site (the demo, or a first import) gets ``site_name`` as its name.
    """
    home = HomePage.objects.first()
    if home:
        return home
    root = Page.get_first_root_node()
    # The slug of the site root never shows in URLs; avoid the placeholder's "home".
    home = root.add_child(instance=HomePage(title="Home", slug="front-page"))
    home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    placeholder_ids = []
    if site:
        placeholder_ids.append(site.root_page_id)
        site.root_page = home
        site.site_name = site.site_name or site_name
        site.save()
    else:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name=site_name,
        )
    for page in Page.objects.filter(pk__in=placeholder_ids, depth=2).exclude(
        pk=home.pk
    ):
        if not isinstance(page.specific, HomePage):
            page.delete()
    return home
