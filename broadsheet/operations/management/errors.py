"""What an operator must fix, as one line rather than a traceback."""

from contextlib import contextmanager

from django.core.management.base import CommandError
from django.db import OperationalError

from broadsheet.operations.archive import ArchiveError, first_line


@contextmanager
def one_line_errors():
    try:
        yield
    except ArchiveError as error:
        raise CommandError(str(error)) from None
    except OperationalError as error:
        # Unreachable, shut down, out of space.
        raise CommandError(f"The database failed: {first_line(error)}") from None
