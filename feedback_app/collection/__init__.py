"""Collection beyond the web: paper returns keyed in by staff, printable questionnaires."""
