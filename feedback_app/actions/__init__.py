""" "You said, we did": actions officers and coordinators publish, and the public page
that shows them beside the headline KPI results."""
