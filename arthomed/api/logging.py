"""JSON log lines with mobile numbers masked (`98XXXXXX10`)."""

import json
import logging
import re

# An Indian mobile number standing alone (optionally after +91 / 91 / 0): keep the
# first two and last two digits.
MOBILE_RE = re.compile(r"(?<![\dA-Za-z])(?:\+?91[\s-]?|0)?([6-9]\d)(\d{6})(\d{2})(?![\dA-Za-z])")


def mask_mobile(text: str) -> str:
    return MOBILE_RE.sub(lambda m: f"{m.group(1)}XXXXXX{m.group(3)}", text)


class MaskPiiFilter(logging.Filter):
    """Masks mobile numbers in the rendered message and in structured extras."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = record.getMessage()
            record.args = None
        if isinstance(record.msg, str):
            record.msg = mask_mobile(record.msg)
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            record.fields = {k: mask_mobile(v) if isinstance(v, str) else v for k, v in fields.items()}
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            entry["exception"] = mask_mobile(self.formatException(record.exc_info))
        return json.dumps(entry, default=str)
