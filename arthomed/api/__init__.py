"""Shared HTTP conventions of SPEC.md §1: envelopes, errors, pagination, roles."""
