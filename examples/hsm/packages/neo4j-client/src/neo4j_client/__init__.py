"""Example client: reports where the graph service is, from the env hsm forwards."""
import os

GREETING = "neo4j-client v1"


def endpoint() -> str:
    host = os.environ.get("GRAPH_BUILDER_SERVICE_HOST", "?")
    port = os.environ.get("GRAPH_BUILDER_SERVICE_PORT", "?")
    return f"{host}:{port}"
