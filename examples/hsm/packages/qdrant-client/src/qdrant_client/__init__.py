"""Example Qdrant client: connects where hsm says Qdrant is."""
import os


def endpoint() -> str:
    return f"{os.environ.get('QDRANT_HOST', '?')}:{os.environ.get('QDRANT_PORT', '?')}"
