"""Security headers on every response.

Readers get a strict Content-Security-Policy: only this site's own scripts,
styles, images and fonts, no inline script, no framing of the site, and
third-party frames only from the origins apps register (the newsroom's embed
providers; ``register_frame_origins``, since core knows no app). The Wagtail
admin needs inline styles and scripts for its editor, so /admin/ gets a policy
that allows those while still refusing anything from other sites.

The admin's preview panel frames the page being edited. Wagtail renders a
preview by running the page through the whole middleware stack again, with a
made-up request for the page's own address (``make_preview_request``), so this
middleware sees it as a reader page. That inner response keeps the readers'
policy, so the preview shows what readers will get, except that the admin
(this site) may frame it.
"""

from collections.abc import Callable, Iterable

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts

ADMIN_PREFIXES = ("/admin/",)

_frame_origin_sources: list[Callable[[], Iterable[str]]] = []


def register_frame_origins(source: Callable[[], Iterable[str]]) -> None:
    """Let readers' pages frame the origins ``source()`` returns.

    Call from an app's ``ready()``. ``source`` is called for every reader
    response, so origins that come from settings follow them.
    """
    if source not in _frame_origin_sources:
        _frame_origin_sources.append(source)


def frame_origins() -> list[str]:
    """Every registered frame origin, sorted, without duplicates."""
    return sorted({origin for source in _frame_origin_sources for origin in source()})


# Features a news site never needs; denying them limits what injected or
# embedded code could ask the reader's browser for.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "ambient-light-sensor",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "interest-cohort",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
)


ADMIN_REPLACEMENTS = {
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:"],
    "frame-src": [SELF],
    "frame-ancestors": [SELF],  # the admin previews pages in a frame
}


def is_admin_preview(request) -> bool:
    """Is this Wagtail's made-up request that renders a preview for the admin?

    Wagtail sets ``is_preview`` to True only on the request it builds in
    ``make_preview_request``, behind the admin's preview views; a reader's
    request never has it.
    """
    return getattr(request, "is_preview", False) is True


def framable_by_admin(request) -> bool:
    return request.path_info.startswith(ADMIN_PREFIXES) or is_admin_preview(request)


class SecurityHeadersMiddleware(CSPMiddleware):
    """django-csp's middleware, choosing the admin policy under /admin/."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        if request.path_info.startswith(ADMIN_PREFIXES):
            replace = ADMIN_REPLACEMENTS
        else:
            # Frames only from embed providers, and only once a reader asks.
            replace = {"frame-src": frame_origins() or [NONE]}
            if is_admin_preview(request):
                replace["frame-ancestors"] = [SELF]  # the admin's preview panel
        parts.replace = {**replace, **(parts.replace or {})}
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if framable_by_admin(request):
            # The admin previews pages in a frame of its own origin.
            response["X-Frame-Options"] = "SAMEORIGIN"
        return response
