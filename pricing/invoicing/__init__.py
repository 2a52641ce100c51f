"""pricing/invoicing."""
