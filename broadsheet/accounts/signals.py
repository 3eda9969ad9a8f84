"""Signals other apps answer, so accounts need not know them."""

from django.dispatch import Signal

# Sent by services.account_delete inside its transaction, before the user row
# goes, with ``user``. A receiver erases or detaches what that app keeps of
# the member (comments: comments.services.remove_comments_of_deleted_account);
# an exception rolls the whole deletion back.
account_deleting = Signal()
