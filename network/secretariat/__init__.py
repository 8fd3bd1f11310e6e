"""The secretariat's pages."""
