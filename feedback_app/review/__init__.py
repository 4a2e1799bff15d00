"""Co-production review of drafts, publishing versions and scheduling waves."""
