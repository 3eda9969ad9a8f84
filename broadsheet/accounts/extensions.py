"""What other apps add to a member's public page, without accounts knowing them.

An app registers ``add(member, request, context)`` from its
``AppConfig.ready()`` (comments adds the member's published comments as
``comments``). Functions run in the order they were registered.
"""

from collections.abc import Callable

MemberPageContext = Callable[..., None]  # (member, request, context) -> None

_member_page_context: list[MemberPageContext] = []


def register_member_page_context(add: MemberPageContext) -> MemberPageContext:
    if add not in _member_page_context:
        _member_page_context.append(add)
    return add


def extend_member_page_context(member, request, context: dict) -> None:
    for add in _member_page_context:
        add(member, request, context)
