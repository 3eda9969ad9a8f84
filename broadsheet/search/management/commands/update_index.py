"""``broadsheet update_index``: Wagtail's index rebuild, with a progress bar.

Replaces Wagtail's command of the same name (this app comes first in
INSTALLED_APPS); the rebuild itself is Wagtail's, then the search documents
are written again from it (search/documents.py).
"""

from modelsearch.management.commands.rebuild_modelsearch_index import (
    Command as RebuildCommand,
)

from broadsheet.search import documents

BAR = 30


def progress_bar(done: int, total: int) -> str:
    share = done / total if total else 1
    filled = int(share * BAR)
    return f"[{'#' * filled}{'.' * (BAR - filled)}] {done:,}/{total:,} ({share:.0%})"


class Command(RebuildCommand):
    help = "Rebuild the search index of every indexed model, showing progress."

    def handle(self, **options):
        super().handle(**options)
        if options.get("schema_only"):
            return
        self.write("Search documents:")
        written = documents.rebuild(progress=self._bar)
        self.write(f"{written:,} search documents written")

    def _bar(self, done: int, total: int) -> None:
        self.write(progress_bar(done, total))

    def queryset_chunks(self, qs, chunk_size=1000):
        self._total = qs.count()
        self._done = 0
        yield from super().queryset_chunks(qs, chunk_size)

    def print_iter_progress(self, iterable):
        interactive = self.stdout.isatty() if hasattr(self.stdout, "isatty") else False
        shown = -1
        for chunk in iterable:
            yield chunk
            self._done += len(chunk)
            share = self._done / self._total if self._total else 1
            tenth = int(share * 10)
            if interactive or tenth != shown:
                end = "\r" if interactive and self._done < self._total else "\n"
                self.write(progress_bar(self._done, self._total), ending=end)
                shown = tenth
            self.stdout.flush()
        if not self._total:
            self.write("(none)")

    def print_newline(self):
        pass
