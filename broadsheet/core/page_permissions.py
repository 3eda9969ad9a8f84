"""Who may publish a page: its owner, unless they may edit everyone's.

Wagtail lets anyone holding "publish" publish and unpublish every page
they can reach. Broadsheet's Author role is "add" (write and edit one's own
pages) with "publish", and is meant for one's own articles only; so without
"change" (edit anyone's), publishing, unpublishing and reordering need the
page to be one's own.
"""

from wagtail.models import PagePermissionTester


class RolePagePermissionTester(PagePermissionTester):
    def _may_act_on_any_page(self) -> bool:
        return self.user.is_superuser or "change" in getattr(self, "permissions", ())

    def _owns_page(self) -> bool:
        return self.page.owner_id is not None and self.page.owner_id == self.user.pk

    def _own_unless_editor(self) -> bool:
        return self._may_act_on_any_page() or self._owns_page()

    def can_publish(self):
        return super().can_publish() and self._own_unless_editor()

    def can_unpublish(self):
        return super().can_unpublish() and self._own_unless_editor()

    def can_reorder_children(self):
        return super().can_reorder_children() and self._may_act_on_any_page()


class RolePermissionsMixin:
    """Mixed into every Broadsheet page type (before ``Page``)."""

    def permissions_for_user(self, user):
        return RolePagePermissionTester(user, self)
