"""Decent-work indicators: definitions, yearly collections and the cities' values (issue #20)."""
