"""Response quality: bot signals noticed while answering, and the officers' review."""
