"""Security headers on every response.

Readers get a strict Content-Security-Policy: only this site's own scripts,
styles, images and fonts, no inline script, no framing of the site, and
third-party frames only from the embed providers Broadsheet knows. The Wagtail
admin needs inline styles and scripts for its editor, so /admin/ gets a policy
that allows those while still refusing anything from other sites.
"""

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts

from broadsheet.newsroom.embeds import embed_providers

ADMIN_PREFIXES = ("/admin/",)

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
            origins = sorted({p.frame_origin for p in embed_providers()})
            replace = {"frame-src": origins or [NONE]}
        parts.replace = {**replace, **(parts.replace or {})}
        return parts

    def process_response(self, request, response):
        response = super().process_response(request, response)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.path_info.startswith(ADMIN_PREFIXES):
            # The admin previews pages in a frame of its own origin.
            response["X-Frame-Options"] = "SAMEORIGIN"
        return response
