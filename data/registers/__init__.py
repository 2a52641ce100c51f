"""The registers every room shares: organisations, counties, services, components and users."""
