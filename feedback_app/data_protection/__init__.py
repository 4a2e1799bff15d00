"""Data protection pages for administrators: retention at a glance, deleting
a wave or the whole area after typing its name."""
