"""The MCP server over stdio, for desktop agents: one process, one token, talking to a
running delegate server through the SDK."""

from __future__ import annotations

from delegate.mcp.connection import FixedConnector
from delegate.mcp.server import build_server
from delegate_client import AsyncDelegate


async def serve_stdio(base_url: str, token: str) -> None:
    """Answer MCP requests on stdin/stdout until the agent closes them."""
    async with AsyncDelegate(api_key=token, base_url=base_url) as api:
        await build_server(FixedConnector(api)).run_stdio_async()
