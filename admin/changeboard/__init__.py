"""admin/changeboard."""
