"""Domain functions for movements and exemplars: progress toward targets, spreadsheet import, the plan loader."""
