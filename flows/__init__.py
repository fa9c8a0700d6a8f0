"""Guided procedures: the flow engine and the YAML definitions (issue 4)."""
