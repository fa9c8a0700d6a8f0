"""Use cases: one transaction each, domain rules from `core`, rows from `storage`."""
