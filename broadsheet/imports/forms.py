"""The admin's "New import" form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from broadsheet.imports.models import Platform

EXTENSIONS = {"wordpress": ".xml", "ghost": ".json", "substack": ".zip"}
HOW_TO_EXPORT = {
    "wordpress": _("In WordPress: Tools → Export → All content. An .xml file."),
    "ghost": _("In Ghost: Settings → Labs → Export your content. A .json file."),
    "substack": _(
        "In Substack: Settings → Exports → Create a new export. A .zip file."
    ),
}


class ImportForm(forms.Form):
    platform = forms.ChoiceField(
        label=_("From"),
        choices=Platform.choices,
        widget=forms.RadioSelect,
        initial=Platform.WORDPRESS,
    )
    export = forms.FileField(
        label=_("Export file"),
        help_text=" ".join(str(text) for text in HOW_TO_EXPORT.values()),
    )
    media = forms.FileField(
        label=_("Images (optional)"),
        required=False,
        help_text=_(
            "A zip of WordPress's wp-content/uploads folder, or of Ghost's content "
            "folder. Without it, images are listed in the report, never fetched "
            "from the old site."
        ),
    )
    members = forms.FileField(
        label=_("Ghost members (optional)"),
        required=False,
        help_text=_(
            "Ghost keeps members out of its JSON export: Members → Export writes "
            "a CSV. Only members subscribed to emails become subscribers."
        ),
    )
    pages = forms.BooleanField(
        label=_("Import WordPress pages as articles too"), required=False
    )

    def clean(self):
        cleaned = super().clean()
        platform, export = cleaned.get("platform"), cleaned.get("export")
        if platform and export:
            wanted = EXTENSIONS[platform]
            if not export.name.lower().endswith(wanted):
                self.add_error(
                    "export",
                    _("A %(platform)s export is a %(extension)s file. %(how)s")
                    % {
                        "platform": Platform(platform).label,
                        "extension": wanted,
                        "how": HOW_TO_EXPORT[platform],
                    },
                )
        media = cleaned.get("media")
        if media and not media.name.lower().endswith(".zip"):
            self.add_error("media", _("Choose a .zip file of the images folder."))
        members = cleaned.get("members")
        if members and platform != "ghost":
            self.add_error(
                "members", _("Members' CSV files are Ghost's: leave this empty.")
            )
        elif members and not members.name.lower().endswith(".csv"):
            self.add_error("members", _("Choose the .csv file Ghost exported."))
        if media and platform == "substack":
            self.add_error(
                "media", _("Substack's images stay on Substack: leave this empty.")
            )
        return cleaned
