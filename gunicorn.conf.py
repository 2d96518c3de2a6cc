"""gunicorn settings shared by `make run`, the Dockerfile and the benchmarks.

Request lines up to gunicorn's maximum (8190 bytes) reach Django, which answers in the
JSON envelope; only longer ones get gunicorn's own 414 page (a proxy in front usually
refuses them first).
"""

limit_request_line = 8190
limit_request_field_size = 8190
