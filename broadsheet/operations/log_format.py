"""Log lines as JSON objects, one a line (``BROADSHEET_LOG_FORMAT=json``).

Only named fields are written, never a record's whole ``__dict__``: Django
attaches the request to some records, and a reader's address, user agent or
query string must not reach the logs.
"""

import json
import logging
from datetime import UTC, datetime

from broadsheet.operations.request_id import current_request_id

# Fields the access log passes with ``extra=``; written when present.
ACCESS_FIELDS = ("method", "path", "status", "duration_ms")


class RequestIdFilter(logging.Filter):
    """Stamp each record with the id of the request being served (or None)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Set while the record is still in the thread that logged it.
        record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or current_request_id()
        if request_id:
            entry["request_id"] = request_id
        for field in ACCESS_FIELDS:
            if field in record.__dict__:
                entry[field] = record.__dict__[field]
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
