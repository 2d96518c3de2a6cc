import json
import logging

import pytest

from arthomed.api.logging import JsonFormatter, MaskPiiFilter, mask_mobile


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("9876543210", "98XXXXXX10"),
        ("call +91 9876543210 now", "call 98XXXXXX10 now"),
        ("09876543210", "98XXXXXX10"),
        ("/api/users?search=9876543210&x=1", "/api/users?search=98XXXXXX10&x=1"),
        ("order 12345", "order 12345"),
        ("5876543210", "5876543210"),  # not a mobile number (starts with 5)
    ],
)
def test_mask_mobile(text, masked):
    assert mask_mobile(text) == masked


def test_json_log_line_masks_numbers_in_message_and_fields():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "login %s", ("9876543210",), None)
    record.fields = {"path": "/api/users?search=9123456789", "status": 200}
    MaskPiiFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "login 98XXXXXX10"
    assert line["path"] == "/api/users?search=91XXXXXX89"
    assert line["status"] == 200


@pytest.mark.django_db
def test_one_request_log_line_with_request_fields(api, caplog):
    with caplog.at_level(logging.INFO, logger="arthomed.request"):
        api.get("/api/users?search=9876543210", HTTP_X_REQUEST_ID="req-1")
    records = [r for r in caplog.records if r.name == "arthomed.request"]
    assert len(records) == 1
    fields = records[0].fields
    assert fields["method"] == "GET"
    assert fields["status"] in {200, 401, 404}
    assert fields["request_id"] == "req-1"
    assert isinstance(fields["duration_ms"], float)
    assert "user_id" in fields
    MaskPiiFilter().filter(records[0])
    assert "9876543210" not in JsonFormatter().format(records[0])
