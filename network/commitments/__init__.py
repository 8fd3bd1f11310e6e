"""Commitments of declarations and the signatory cities' reports on them (issue #20)."""
