"""The live feed of meetings: an in-process fan-out hub, and its PostgreSQL bridge."""
