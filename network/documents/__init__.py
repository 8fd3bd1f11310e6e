"""Documents: the public record as PDFs (declarations, votes, resolutions, cities)."""
