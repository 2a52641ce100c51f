"""risk/threats."""
