"""Code shared by the acme services: settings, database access, error handling, types."""
