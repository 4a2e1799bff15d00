"""Each area's own improvement plan: its KPIs, agreed baselines, staged targets and
entered measures, edited by officers, versioned, imported and exported as a file
(docs/plan.md, docs/adr/0025-area-plans.md)."""
