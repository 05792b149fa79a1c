"""Adapters: the only code that imports httpx, SQLAlchemy, openai or procrastinate."""
