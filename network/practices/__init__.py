"""Practices: what member cities did for decent work, shared in a public library."""
