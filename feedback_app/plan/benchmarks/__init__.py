"""The plan's benchmarks: England, region and statistical neighbours per KPI and
period, entered on a page or uploaded as CSV, stored in the plan (docs/plan.md,
docs/adr/0034-plan-benchmarks.md)."""
