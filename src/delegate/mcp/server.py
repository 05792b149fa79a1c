"""The one place that assembles the MCP server: tools, resources and the two middlewares,
over a ``Connector`` that says which API client each request acts through."""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer
from mcp.server.subscriptions import InMemorySubscriptionBus
from mcp_types import SubscribeRequestParams, UnsubscribeRequestParams

from delegate import __version__
from delegate.mcp.arguments import CheckedArguments
from delegate.mcp.connection import Connector, SessionDirectory
from delegate.mcp.live import POLL_INTERVAL_S, LiveResources
from delegate.mcp.resources import DelegateResources
from delegate.mcp.tools import DelegateTools

NAME = "delegate"
INSTRUCTIONS = """\
delegate sends AI delegates into video meetings (Zoom, Google Meet, Teams, Webex, GoTo) and \
reports what was said. Typical flow: list_integrations, send_delegate with the meeting URL \
and an instruction, session_status until it is in_call, read_transcript (pass since_turn to \
follow along, search to find a topic), send_chat_message to speak through it, leave_meeting, \
then get_notes. Resources delegate://session/{id}/transcript and .../notes change while the \
meeting is live. Errors are JSON {"message", "code"}: the message says what to fix."""


def build_server(connector: Connector, poll_interval: float = POLL_INTERVAL_S) -> MCPServer:
    """The MCP server whose every tool and resource acts through ``connector``."""
    bus = InMemorySubscriptionBus()
    directory = SessionDirectory()
    live = LiveResources(connector, directory, bus, poll_interval)
    server: MCPServer = MCPServer(
        NAME,
        title="delegate",
        instructions=INSTRUCTIONS,
        version=__version__,
        subscriptions=bus,
        lifespan=live.running,
        # The SDK calls logging.basicConfig with this level, which does nothing once the
        # entry point has set up logging (delegate.logs); WARNING keeps it quiet otherwise.
        log_level="WARNING",
    )
    tools = DelegateTools(connector, directory)
    tools.register(server)
    DelegateResources(tools).register(server)
    server.middleware.append(CheckedArguments(server))
    server.middleware.append(live)
    # MCPServer serves only the 2026-07-28 way to subscribe (subscriptions/listen); clients
    # of earlier versions, most desktop agents today, subscribe per resource. The low-level
    # server takes their handlers (and then advertises resources.subscribe to them).
    lowlevel = server._lowlevel_server
    lowlevel.add_request_handler("resources/subscribe", SubscribeRequestParams, live.subscribe)
    lowlevel.add_request_handler(
        "resources/unsubscribe", UnsubscribeRequestParams, live.unsubscribe
    )
    return server
