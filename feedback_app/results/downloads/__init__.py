"""Officers' downloads: responses, analysis tables and the board report."""
