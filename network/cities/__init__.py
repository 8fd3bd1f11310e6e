"""The member-city registry."""
