"""Use cases, named as verbs. They depend on ports, never on FastAPI, httpx or SQLAlchemy."""
