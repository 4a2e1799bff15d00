"""Web plumbing every page shares: errors, security headers, static files,
languages, logging, layout, the health check and CSV downloads."""
