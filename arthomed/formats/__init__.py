"""Display formats of the clinic's locale (FORMAT_MODULE_PATH): 24-hour clinic time everywhere a
person reads a time in the admin (SPEC.md §10); Django ships no en_IN formats of its own."""
