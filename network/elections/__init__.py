"""Chair-city elections: nominations, rounds by the charter's method, certification, terms."""
