from django import template
from django.conf import settings
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language

from broadsheet.core import images, scripts
from broadsheet.core.chrome import content_version, site_base

register = template.Library()


@register.filter
def isodatetime(value) -> str:
    """An HTML-valid machine-readable time: ISO 8601 to the second."""
    return value.replace(microsecond=0).isoformat() if value else ""


@register.simple_tag
def responsive_image(image, shape: str, sizes: str, alt: str = "", **attrs):
    """An <img> with a srcset of WebP renditions, one per distinct width.

    ``shape`` names a crop registered with ``core.images.register_image_shape``
    (its widths and ratio), the same definition that publishing uses to make
    the renditions ahead of readers. A srcset must not repeat a width, which
    Wagtail's own srcset tag would do for an image smaller than a target.
    """
    if not image:
        return ""
    ordered, fallback = _shape_renditions(image, shape)
    srcset = ", ".join(f"{r.url} {r.width}w" for r in ordered)
    extra = format_html_join(
        " ", '{}="{}"', ((k.replace("_", "-"), v) for k, v in attrs.items())
    )
    return format_html(
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" {}>',
        fallback.url,
        srcset,
        sizes,
        fallback.width,
        fallback.height,
        alt,
        extra,
    )


@register.simple_tag
def single_image(image, shape: str, alt: str = ""):
    """One <img> of ``shape``, the rendition a srcset would fall back to.

    For readers that ignore srcset and sizes and may not resolve their
    relative URLs: feed readers.
    """
    if not image:
        return ""
    _, fallback = _shape_renditions(image, shape)
    return format_html(
        '<img src="{}" width="{}" height="{}" alt="{}">',
        fallback.url,
        fallback.width,
        fallback.height,
        alt,
    )


def _shape_renditions(image, shape: str) -> tuple[list, object]:
    """The shape's renditions of ``image``, one per distinct width, narrowest
    first, and the one to show where a srcset is not read (the second).

    An image smaller than a target yields a rendition the same size as a
    smaller one; those duplicates are dropped.
    """
    specs = images.shape_specs(shape)
    renditions = image.get_renditions(*specs)
    by_width = {}
    for spec in specs:
        rendition = renditions[spec]
        by_width.setdefault(rendition.width, rendition)
    ordered = [by_width[width] for width in sorted(by_width)]
    return ordered, ordered[min(1, len(ordered) - 1)]


@register.inclusion_tag("components/form_token.html", takes_context=True)
def form_token(context):
    """The CSRF field of a form anyone may open.

    Opening the form sets no cookie: the token is fetched when someone starts
    to write (data-csrf-deferred, js/csrf.js). Someone who already has a
    token, or came back through the no-JavaScript "continue" link, gets it
    in the page.
    """
    request = context["request"]
    issue_now = "csrf" in request.GET or settings.CSRF_COOKIE_NAME in request.COOKIES
    query = request.GET.copy()
    query["csrf"] = "1"
    return {
        "issue_now": issue_now,
        "csrf_token": context.get("csrf_token"),
        "continue_url": f"{request.path}?{query.urlencode()}",
    }


@register.simple_tag
def module_preloads():
    """A modulepreload link for every module the entry script imports.

    The browser fetches them all at once instead of discovering them import
    by import, and "Save for later" keeps them with the article.
    """
    return format_html_join(
        "\n  ",
        '<link rel="modulepreload" href="{}">',
        ((static(path),) for path in scripts.MODULES),
    )


# Kept until the content changes (which changes the key) or the day ends.
CONTENT_FRAGMENT_SECONDS = 24 * 60 * 60


class ContentFragmentNode(template.Node):
    def __init__(self, nodelist, name: str, vary_on):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context):
        request = context.get("request")
        if request is None or getattr(request, "is_preview", False):
            # A preview shows a draft under the live page's id: never keep it.
            return self.nodelist.render(context)
        key = make_template_fragment_key(
            self.name,
            [
                content_version(request).isoformat(),
                site_base(request),
                get_language(),
                *(var.resolve(context) for var in self.vary_on),
            ],
        )
        return caches["local"].get_or_set(
            key, lambda: self.nodelist.render(context), CONTENT_FRAGMENT_SECONDS
        )


@register.tag
def content_fragment(parser, token):
    """Keep the HTML between this and ``endcontent_fragment`` until content changes.

    ``{% content_fragment "article-body" page.pk %}``: the name and values
    say what the fragment shows; the key adds the content version, the
    site's address and the language, so any publication, edit or setting
    change renders it afresh. Per process (the local cache), skipped in
    previews. Only for HTML that is the same for every reader: nothing that
    reads the user, the session or the query string.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(
            'content_fragment needs a name: {% content_fragment "name" value ... %}'
        )
    nodelist = parser.parse(("endcontent_fragment",))
    parser.delete_first_token()
    name = bits[1].strip("\"'")
    return ContentFragmentNode(
        nodelist, name, [parser.compile_filter(bit) for bit in bits[2:]]
    )
