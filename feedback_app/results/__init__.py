"""Officers' results: submitted answers turned into what boards and families see.

Every figure comes from ``analysis/``; this package only fetches answers from the
database (``data``), caches what analysis computed, and shapes it for pages.
"""
