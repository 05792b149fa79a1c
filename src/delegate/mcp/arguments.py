"""Tool arguments checked against each tool's input schema before the tool runs, so an agent
that passes an argument the tool does not take, or leaves out one it needs, is told which and
what the tool takes instead of having it silently dropped. Every tool error, the SDK's own
(unknown tool, wrong type) included, leaves as ``{message, code}``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mcp.server import ServerRequestContext
from mcp.server.context import CallNext, HandlerResult
from mcp.server.mcpserver import MCPServer
from mcp_types import CallToolResult, TextContent

from delegate.mcp.results import error_of, failure

TOOLS_CALL = "tools/call"
VALIDATION_ERROR = "validation error"


def argument_problem(
    tool: str, schema: Mapping[str, Any], arguments: Mapping[str, Any]
) -> str | None:
    """What is wrong with ``arguments`` for ``tool``, in words, or None."""
    properties: Mapping[str, Any] = schema.get("properties", {})
    takes = ", ".join(properties) or "no arguments"
    unknown = [name for name in arguments if name not in properties]
    if unknown:
        return f"{tool} does not take {_names(unknown)}; it takes: {takes}"
    missing = [name for name in schema.get("required", []) if name not in arguments]
    if missing:
        described = "; ".join(
            f"{name}: {properties[name].get('description', '')}".rstrip(": ") for name in missing
        )
        return f"{tool} needs {_names(missing)} ({described})"
    return None


def _names(names: list[str]) -> str:
    quoted = [f"'{n}'" for n in names]
    return f"argument{'s' if len(names) > 1 else ''} {', '.join(quoted)}"


class CheckedArguments:
    """Server middleware: refuses bad tool arguments with a clear error, and gives every tool
    error the API's ``{message, code}`` shape."""

    def __init__(self, server: MCPServer) -> None:
        self._server = server
        self._schemas: dict[str, Mapping[str, Any]] | None = None

    async def _schema(self, tool: str) -> Mapping[str, Any] | None:
        if self._schemas is None:
            self._schemas = {t.name: t.input_schema for t in await self._server.list_tools()}
        return self._schemas.get(tool)

    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        if ctx.method != TOOLS_CALL or ctx.request_id is None:
            return await call_next(ctx)
        params = ctx.params or {}
        tool = str(params.get("name", ""))
        arguments = params.get("arguments") or {}
        schema = await self._schema(tool)
        if schema is not None and isinstance(arguments, Mapping):
            problem = argument_problem(tool, schema, arguments)
            if problem is not None:
                return failure(problem)
        result = await call_next(ctx)
        if isinstance(result, dict) and result.get("isError"):
            # The chain below hands results on serialized.
            result = CallToolResult.model_validate(result)
        if isinstance(result, CallToolResult) and result.is_error and error_of(result) is None:
            return failure(_sdk_message(tool, result))
        return result


def _sdk_message(tool: str, result: CallToolResult) -> str:
    """The SDK's own error text, without its ``Error executing tool <name>:`` prefix."""
    text = " ".join(c.text for c in result.content if isinstance(c, TextContent))
    text = text.removeprefix(f"Error executing tool {tool}: ").strip()
    if VALIDATION_ERROR in text.split("\n", 1)[0]:
        return f"{tool}: {_field_errors(text)}"
    return text or f"{tool} failed"


def _field_errors(text: str) -> str:
    """Pydantic's multi-line report as ``field: problem; ...`` (without its links)."""
    problems: list[str] = []
    field = ""
    for line in text.splitlines()[1:]:
        if not line.startswith(" "):
            field = line.strip()
        elif not line.strip().startswith("For further information"):
            problems.append(f"{field}: {line.strip().split(' [type=')[0]}")
    return "; ".join(problems)
