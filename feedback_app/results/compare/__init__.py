"""Comparing waves: side by side, breakdowns, free text and trends."""
