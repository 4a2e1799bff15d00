"""Free-text themes, and officers' corrections of a comment's themes."""
