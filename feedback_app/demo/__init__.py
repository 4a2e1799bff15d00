"""The demo area: staff, waves and synthetic results for trying the product."""
