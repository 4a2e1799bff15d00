"""Status schemes (BRAG, RAGP or the area's own) and KPI status overrides."""
