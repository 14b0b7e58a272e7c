"""Example chunker."""
from qdrant_client import endpoint


def describe() -> str:
    return f"chunks go to {endpoint()}"
