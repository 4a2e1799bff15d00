"""The read-only results API and its personal access tokens (ADR 0036)."""
