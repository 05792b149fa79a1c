"""The worker entry point: ``delegate worker`` processes sessions from PostgreSQL."""
