"""Editor panels of our own for the article form."""

from wagtail.admin.panels import Panel

from broadsheet.newsroom import extensions
from broadsheet.newsroom.editorial_checks import publishing_warnings


class PublishingChecksPanel(Panel):
    """The article's pre-publish warnings, at the top of its editor.

    Only for an article saved at least once: a new, empty one would open on
    a list of everything not yet written. Nothing here blocks publishing.
    """

    @property
    def clean_name(self):
        return super().clean_name or "publishing-checks"

    class BoundPanel(Panel.BoundPanel):
        template_name = "newsroom/admin/publishing_checks.html"

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            saved = self.instance is not None and self.instance.pk is not None
            self.warnings = publishing_warnings(self.instance) if saved else []

        def is_shown(self):
            return bool(self.warnings)


class EditorNotesPanel(Panel):
    """What other apps tell the editor about a saved article, at the top of
    its editor (``extensions.register_editor_note``)."""

    @property
    def clean_name(self):
        return super().clean_name or "editor-notes"

    class BoundPanel(Panel.BoundPanel):
        template_name = "newsroom/admin/editor_notes.html"

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            saved = self.instance is not None and self.instance.pk is not None
            self.notes = (
                extensions.editor_notes(self.instance, self.request) if saved else []
            )

        def is_shown(self):
            return bool(self.notes)
