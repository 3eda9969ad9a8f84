from django.apps import AppConfig

from broadsheet.accounts import extensions as accounts_extensions
from broadsheet.accounts.signals import account_deleting
from broadsheet.newsroom import extensions as newsroom_extensions


class CommentsConfig(AppConfig):
    name = "broadsheet.comments"
    label = "comments"
    verbose_name = "Comments"

    def ready(self):
        # Imported here: these modules import models, which cannot load
        # before the app registry is ready.
        from broadsheet.comments.context import (
            add_article_comments,
            add_member_comments,
        )
        from broadsheet.comments.selectors import with_comment_counts
        from broadsheet.comments.services import remove_comments_of_deleted_account
        from broadsheet.core import roles

        # Newsroom and accounts sit below comments and never import it; they
        # offer these hooks, which comments fills in.
        newsroom_extensions.register_article_context(add_article_comments)
        newsroom_extensions.register_card_annotation(with_comment_counts)
        accounts_extensions.register_member_page_context(add_member_comments)
        account_deleting.connect(
            remove_comments_of_deleted_account,
            dispatch_uid="comments.remove_comments_of_deleted_account",
        )
        roles.grant(roles.EDITOR, "comments.moderate_comment")
