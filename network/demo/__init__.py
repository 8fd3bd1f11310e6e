"""Demo data from the seed document."""
