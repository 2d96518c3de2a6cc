"""Split by subdomain; import from the submodules."""
