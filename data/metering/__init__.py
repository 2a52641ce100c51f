"""data/metering."""
