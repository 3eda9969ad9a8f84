"""Streaming, defused XML: elements one at a time, errors with their position.

defusedxml's parser refuses entity declarations (billion laughs) and external
references; the pull parser is fed 64 KB at a time, and each element handed
out is removed from its parent afterwards, so memory stays flat however large
the file is.
"""

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from broadsheet.imports.records import ExportError

CHUNK = 64 * 1024


def _problem(
    message: str, line: int, column: int, *, at_end: bool, first: bytes
) -> ExportError:
    if first[:1] not in (b"<", b"\xef", b"\xff", b"\xfe"):
        return ExportError(
            f"This is not an XML file (line {line}, column {column}). "
            "Choose the .xml file WordPress exported."
        )
    if at_end:
        return ExportError(
            f"The file ends too early (line {line}, column {column}): "
            "it looks cut off. Export it again."
        )
    if message.startswith("syntax error") and line == 1:
        return ExportError(
            f"This is not an XML file (line {line}, column {column}). "
            "Choose the .xml file WordPress exported."
        )
    if "invalid token" in message or "encoding" in message:
        return ExportError(
            f"The file is not valid XML at line {line}, column {column} "
            f"({message}). If it was saved in another encoding than the one it "
            "declares (WordPress uses UTF-8), save it again as UTF-8."
        )
    return ExportError(
        f"The file is not valid XML at line {line}, column {column}: {message}."
    )


def iter_elements(path: Path, depth: int) -> Iterator[tuple[str, ET.Element]]:
    """("start"|"end", element) for elements at ``depth`` (root = 0).

    "start" comes for every element at ``depth`` or above (its children are
    not read yet); "end" only for those at ``depth``, complete, and the
    element is dropped once the caller moves on.
    """
    parser = DefusedXMLParser(
        target=ET.TreeBuilder(),
        forbid_dtd=False,
        forbid_entities=True,
        forbid_external=True,
    )
    pull = ET.XMLPullParser(events=("start", "end"), _parser=parser)
    stack: list[ET.Element] = []

    def position() -> tuple[int, int]:
        expat = parser.parser
        return expat.CurrentLineNumber, expat.CurrentColumnNumber + 1

    first = b""
    with open(path, "rb") as stream:
        while True:
            chunk = stream.read(CHUNK)
            first = first or chunk.lstrip()[:1]
            try:
                if chunk:
                    pull.feed(chunk)
                else:
                    pull.close()
                events = list(pull.read_events())
            except ET.ParseError as error:
                line, column = error.position
                message = str(error).split(":")[0]
                raise _problem(
                    message, line, column + 1, at_end=not chunk, first=first
                ) from None
            except DefusedXmlException as error:
                line, column = position()
                raise ExportError(
                    f"Refused at line {line}: the file declares XML entities or "
                    f"external references ({type(error).__name__}), which an "
                    "export never needs and which can be used to attack the "
                    "server."
                ) from None
            for event, element in events:
                if event == "start":
                    stack.append(element)
                    if len(stack) - 1 <= depth:
                        yield "start", element
                else:
                    stack.pop()
                    if len(stack) == depth:
                        yield "end", element
                        if stack:
                            stack[-1].remove(element)
            if not chunk:
                return
