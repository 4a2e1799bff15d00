"""The plan's actions: owner, partners, milestones, BRAG + date, exception commentary."""
