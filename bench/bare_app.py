"""The least a Python WSGI app can do: answer from memory with saved bytes.

bench/run.py runs it under the same granian command as ``broadsheet serve``
(``broadsheet.cli.web_command``), serving the pages Broadsheet sent with the
headers it sent. No Django, no cache, one dict lookup: its requests per
second show what granian itself costs a request on this machine, in the
same run as nginx and the page cache.
"""

import json
import os
from pathlib import Path

_FOLDER = Path(os.environ["BENCH_BARE_COPIES"])
_PAGES = {
    path: (
        page["status"],
        [(name, value) for name, value in page["headers"]]
        + [("Content-Length", str(len(body))), ("X-Cache", "hit")],
        [body],
    )
    for path, page in json.loads((_FOLDER / "headers.json").read_text()).items()
    for body in [(_FOLDER / page["file"]).read_bytes()]
}
_MISSING = ("404 Not Found", [("Content-Length", "0")], [])


def application(environ, start_response):
    status, headers, body = _PAGES.get(environ["PATH_INFO"], _MISSING)
    start_response(status, headers)
    return body
