"""The live response monitor: who is responding while a wave is open (counts only)."""
