"""Each area's own improvement plan: its KPIs, agreed baselines, staged targets,
entered measures, statuses and actions; edited by officers, versioned, imported and
exported as a file (docs/plan.md, ADRs 0025 and 0026)."""
