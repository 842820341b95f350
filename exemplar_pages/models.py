"""Movements and exemplars: models arrive with the movements issue."""
