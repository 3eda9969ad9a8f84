"""Which reader reads which platform's export."""

from pathlib import Path

from broadsheet.imports.records import ExportError


def open_source(
    platform: str,
    path: Path,
    *,
    media: Path | None = None,
    members: Path | None = None,
    pages=False,
):
    """The reader for ``platform``'s export at ``path`` (not read yet)."""
    if not path.is_file():
        raise ExportError(f"{path} is not a file.")
    if platform == "wordpress":
        from broadsheet.imports.wordpress import WordPressExport

        return WordPressExport(path, uploads=media, pages=pages)
    if platform == "ghost":
        from broadsheet.imports.ghost import GhostExport

        if members is not None and not members.is_file():
            raise ExportError(f"{members} is not a file.")
        return GhostExport(path, content=media, members=members)
    if platform == "substack":
        from broadsheet.imports.substack import SubstackExport

        return SubstackExport(path)
    raise ExportError(f"Unknown platform {platform!r}: wordpress, ghost or substack.")
