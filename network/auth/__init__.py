"""Accounts, roles, invitations and sessions."""
