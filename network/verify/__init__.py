"""Public verification of receipt codes."""
