"""The area's improvement plan: its KPIs, baselines, targets, statuses and actions."""
