"""Pages of ours in the Wagtail admin, built on its generic base template."""

from django.template.response import TemplateResponse
from wagtail.admin.menu import MenuItem


class PermissionMenuItem(MenuItem):
    """A menu item shown only to users with ``permission``."""

    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


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
