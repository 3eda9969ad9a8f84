"""docs/performance.md holds one section per benchmark, each opened by an
HTML comment marker; a benchmark rewrites its own section and keeps the rest."""

from pathlib import Path


def replace_section(path: Path, marker: str, lines: list[str]) -> None:
    """Put ``lines`` (starting with ``marker``) in place of the section that
    ``marker`` opens, up to the next section's marker, or at the end."""
    old = path.read_text() if path.exists() else ""
    if marker in old:
        head, rest = old[: old.index(marker)], old[old.index(marker) + len(marker) :]
        following = rest.find("\n<!-- ")
        tail = rest[following + 1 :] if following >= 0 else ""
    else:
        head, tail = old, ""
    text = head.rstrip("\n") + "\n\n" + "\n".join(lines).rstrip("\n") + "\n"
    path.write_text(text + ("\n" + tail if tail else ""))
