"""portfolio/digiorden."""
