"""The KPI board: each KPI of the plan, its detail page, commentary and status rules."""
