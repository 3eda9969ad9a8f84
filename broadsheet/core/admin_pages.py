"""Pages of ours in the Wagtail admin, built on its generic base template."""

from django.template.response import TemplateResponse


def admin_page(
    request,
    template: str,
    context: dict,
    *,
    title: str,
    icon: str,
    header_title: str | None = None,
    status: int = 200,
) -> TemplateResponse:
    """Render ``template`` (which extends "wagtailadmin/generic/base.html")
    with Wagtail's header: ``title`` in the browser tab and, unless
    ``header_title`` says otherwise, in the header beside ``icon``."""
    return TemplateResponse(
        request,
        template,
        {
            **context,
            "page_title": title,
            "header_title": header_title or title,
            "header_icon": icon,
        },
        status=status,
    )
