"""The vote engine: one engine for the charter, elections and motions."""
