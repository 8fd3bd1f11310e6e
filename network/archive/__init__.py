"""The complete archive: every public record in one ZIP, with its manifest (issue #17)."""
