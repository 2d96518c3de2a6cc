"""The dashboard reads other apps' data; it owns no tables."""
