"""Importing a baseline collected elsewhere (another survey tool, or paper) from a CSV."""
