"""The MCP server: agents (Claude, Cursor, their own) send and steer delegates and read what
meetings said, through the Model Context Protocol.

Every tool and resource is a call of this server's own HTTP API through the SDK
(``delegate_client``), with the caller's account token: the same routes, services,
validation, account isolation and ``{message, code}`` errors as any other client. Over stdio
(``delegate mcp``) the SDK reaches a running ``delegate serve``; mounted on ``serve`` at
``/mcp`` it reaches the same app in-process. Needs the ``mcp`` extra (``delegate[mcp]``)."""
