"""data/registers."""
