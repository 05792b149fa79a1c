"""``delegate mcp``: the MCP server over stdio, for agents that start it as a process."""

from __future__ import annotations

import importlib.util

import typer

from delegate.cli.options import DEFAULT_BASE_URL, BaseUrl, Token
from delegate.cli.serving import unavailable


def mcp(base_url: BaseUrl = DEFAULT_BASE_URL, token: Token = "") -> None:
    """Serve delegate's MCP tools and resources on stdin/stdout, for an agent (Claude Desktop,
    Cursor, ...) that starts this command. It acts with the token's account on the server at
    --base-url, which must be running (delegate serve). Remote agents use the server's /mcp
    endpoint instead (docs/mcp.md)."""
    import asyncio

    if not token:
        raise typer.BadParameter("pass --token or set DELEGATE_TOKEN", param_hint="'--token'")
    if importlib.util.find_spec("mcp") is None:
        unavailable("the MCP server needs the mcp extra: pip install 'delegate[mcp]'")
    from delegate.mcp.stdio import serve_stdio

    asyncio.run(serve_stdio(base_url, token))
