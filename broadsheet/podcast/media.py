"""Read what editors upload: audio metadata, transcripts and chapters.

Everything a feed states about a file (duration, length, type) is read from
the file itself; editors never type it in. Each reader raises ``MediaError``
with a message for the editor.
"""

import io
import json
import re
from dataclasses import dataclass

import mutagen
from mutagen.mp3 import MP3
from mutagen.mp4 import MP4

MIN_AUDIO_SECONDS = 1.0
MAX_TEXT_BYTES = 2 * 1024 * 1024
AUDIO_TYPES = {"mp3": "audio/mpeg", "m4a": "audio/mp4"}


class MediaError(ValueError):
    """An uploaded file cannot be used; the message says why, for the editor."""


@dataclass(frozen=True)
class AudioInfo:
    duration: int  # whole seconds, as itunes:duration wants them
    size: int
    mime_type: str
    extension: str


def _sniff(head: bytes) -> str | None:
    if head[4:8] == b"ftyp":
        return "m4a"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] >= 0xE0):
        return "mp3"
    return None


def read_audio(fileobj, name: str) -> AudioInfo:
    """Return the duration, size and type of an MP3 or M4A file."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in AUDIO_TYPES:
        raise MediaError("The audio must be an MP3 or M4A file (.mp3 or .m4a).")
    fileobj.seek(0, io.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(0)
    if size == 0:
        raise MediaError("The audio file is empty.")
    kind = _sniff(fileobj.read(12))
    fileobj.seek(0)
    if kind is None:
        raise MediaError(
            "This file is not audio: it is neither MP3 nor M4A, whatever its name."
        )
    if kind != extension:
        raise MediaError(
            f"The file is named .{extension} but contains {kind.upper()} audio; "
            f"rename it to .{kind}."
        )
    try:
        audio = (MP3 if kind == "mp3" else MP4)(fileobj)
    except (mutagen.MutagenError, ValueError, EOFError, OSError) as error:
        raise MediaError(
            f"The {kind.upper()} file is damaged or truncated ({error})."
        ) from error
    length = getattr(audio.info, "length", 0) or 0
    if length < MIN_AUDIO_SECONDS:
        raise MediaError(
            f"The {kind.upper()} file holds less than a second of audio: "
            "it is truncated or empty."
        )
    return AudioInfo(round(length), size, AUDIO_TYPES[kind], kind)


_VTT_TIME = r"(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})"
_SRT_TIME = r"(\d+):(\d{2}):(\d{2}),(\d{3})"


def _seconds(hours, minutes, seconds, millis) -> float:
    return (
        int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000
    )


def _decode(data: bytes, what: str) -> str:
    if len(data) > MAX_TEXT_BYTES:
        raise MediaError(f"The {what} file is larger than 2 MB.")
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError as error:
        raise MediaError(f"The {what} file is not UTF-8 text.") from error


def parse_transcript(data: bytes, name: str) -> list[dict]:
    """Return the cues of a WebVTT or SRT file as [{start, end, text}]."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ("vtt", "srt"):
        raise MediaError("A transcript must be a WebVTT (.vtt) or SRT (.srt) file.")
    text = _decode(data, "transcript")
    blocks = [block for block in text.strip().split("\n\n") if block.strip()]
    if extension == "vtt":
        if not blocks or not re.match(
            r"^WEBVTT(?:[ \t].*)?$", blocks[0].split("\n")[0]
        ):
            raise MediaError("A WebVTT transcript must start with the line “WEBVTT”.")
        blocks = blocks[1:]
        timing = re.compile(rf"^{_VTT_TIME}\s+-->\s+{_VTT_TIME}(?:\s.*)?$")
    else:
        timing = re.compile(rf"^{_SRT_TIME}\s+-->\s+{_SRT_TIME}\s*$")
    cues = []
    for number, block in enumerate(blocks, 1):
        lines = block.split("\n")
        if lines[0].startswith(("NOTE", "STYLE", "REGION")) and extension == "vtt":
            continue
        index = next((i for i, line in enumerate(lines) if "-->" in line), None)
        match = timing.match(lines[index].strip()) if index is not None else None
        if index is None or index > 1 or not match:
            raise MediaError(
                f"Cue {number} of the transcript has no valid timing line "
                f"(expected “00:00:01{'.' if extension == 'vtt' else ','}000 --> …”)."
            )
        groups = match.groups()
        start, end = _seconds(*groups[:4]), _seconds(*groups[4:])
        if end < start:
            raise MediaError(f"Cue {number} of the transcript ends before it starts.")
        words = " ".join(line.strip() for line in lines[index + 1 :]).strip()
        cues.append({"start": start, "end": end, "text": re.sub(r"<[^>]*>", "", words)})
    if not cues:
        raise MediaError("The transcript has no cues.")
    return cues


def _timestamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def to_webvtt(cues: list[dict]) -> str:
    """Write cues as WebVTT, whatever format they came in."""
    lines = ["WEBVTT", ""]
    for cue in cues:
        text = cue["text"].replace("-->", "→")
        lines += [f"{_timestamp(cue['start'])} --> {_timestamp(cue['end'])}", text, ""]
    return "\n".join(lines)


def parse_chapters(data: bytes) -> list[dict]:
    """Return [{start, title}] from a JSON Chapters file (Podcasting 2.0)."""
    try:
        document = json.loads(_decode(data, "chapters"))
    except json.JSONDecodeError as error:
        raise MediaError(
            f"The chapters file is not valid JSON ({error.msg})."
        ) from error
    if not isinstance(document, dict) or not isinstance(document.get("chapters"), list):
        raise MediaError(
            "The chapters file must be JSON Chapters: an object with "
            "“version” and a “chapters” list."
        )
    if not isinstance(document.get("version"), str):
        raise MediaError("The chapters file has no “version” (e.g. “1.2.0”).")
    chapters = []
    for number, chapter in enumerate(document["chapters"], 1):
        start = chapter.get("startTime") if isinstance(chapter, dict) else None
        title = chapter.get("title") if isinstance(chapter, dict) else None
        if isinstance(start, bool) or not isinstance(start, int | float) or start < 0:
            raise MediaError(f"Chapter {number} needs a “startTime” in seconds.")
        if not isinstance(title, str) or not title.strip():
            raise MediaError(f"Chapter {number} needs a “title”.")
        chapters.append({"start": float(start), "title": title.strip()[:200]})
    if not chapters:
        raise MediaError("The chapters file lists no chapters.")
    if [c["start"] for c in chapters] != sorted(c["start"] for c in chapters):
        raise MediaError("Chapters must be listed in the order they start.")
    return chapters


def clock(seconds: float) -> str:
    """Format seconds as H:MM:SS or M:SS for readers."""
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
