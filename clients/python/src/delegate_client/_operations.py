"""How one resource class serves both clients.

A resource method is written once and returns a plan (``_plans``). ``@operation`` makes it a
descriptor: read from a resource of the sync client it is a method that runs the plan and
returns the result; read from a resource of the async client, the same method returns an
awaitable (or an async iterator). The types follow: ``Bots[Sync].fetch`` returns ``Bot``,
``Bots[Async].fetch`` returns ``Awaitable[Bot]``, with the same parameters.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from typing import Any, Concatenate, Generic, ParamSpec, Protocol, TypeVar, overload

from delegate_client._plans import Plan

P = ParamSpec("P")
R = TypeVar("R")
A = TypeVar("A")


class Sync:
    """Marks resources of ``Delegate``: operations return their results."""


class Async:
    """Marks resources of ``AsyncDelegate``: operations return awaitables."""


Mode = TypeVar("Mode", Sync, Async)


class Runner(Protocol):
    """A client: runs a plan, blocking (sync) or as an awaitable (async)."""

    def _run(self, plan: Plan[Any, Any]) -> Any: ...


class Resource(Generic[Mode]):
    """A group of operations of one client (``client.bot``, ``client.integration.recall``...)."""

    def __init__(self, client: Runner) -> None:
        self._client = client


class Operation(Generic[P, R, A]):
    """A resource method that builds a plan; the client reading it runs the plan."""

    def __init__(self, build: Callable[Concatenate[Any, P], Plan[R, A]]) -> None:
        self._build = build
        self.__doc__ = build.__doc__
        parameters = list(inspect.signature(build).parameters.values())[1:]
        self._fields = _unpacked_fields(build, parameters)
        if self._fields:
            parameters = parameters[:-1] + self._fields
        self.__signature__ = inspect.signature(build).replace(parameters=parameters)

    @overload
    def __get__(self, resource: None, owner: type[Any]) -> Operation[P, R, A]: ...

    @overload
    def __get__(self, resource: Resource[Sync], owner: type[Any]) -> Callable[P, R]: ...

    @overload
    def __get__(self, resource: Resource[Async], owner: type[Any]) -> Callable[P, A]: ...

    def __get__(self, resource: Resource[Any] | None, owner: type[Any]) -> Any:
        if resource is None:
            return self
        build, run = self._build, resource._client._run
        checked = self.__signature__ if self._fields else None

        def bound(*args: Any, **kwargs: Any) -> Any:
            if checked is not None:
                checked.bind(*args, **kwargs)  # a wrong keyword fails as with a plain signature
            return run(build(resource, *args, **kwargs))

        functools.update_wrapper(bound, build)
        # Without the resource itself: what a caller passes, the same for both clients.
        bound.__signature__ = self.__signature__  # type: ignore[attr-defined]
        return bound


def operation(build: Callable[Concatenate[Any, P], Plan[R, A]]) -> Operation[P, R, A]:
    """Make a plan-building method an operation of both clients."""
    return Operation(build)


def _unpacked_fields(
    build: Callable[..., Any], parameters: list[inspect.Parameter]
) -> list[inspect.Parameter]:
    """The keyword-only parameters behind ``**fields: Unpack[SomeFields]``, if ``build`` ends
    in one (``_fields``), each ``None`` by default; otherwise none."""
    if not parameters or parameters[-1].kind is not inspect.Parameter.VAR_KEYWORD:
        return []
    hint = typing.get_type_hints(build, include_extras=True)[parameters[-1].name]
    if typing.get_origin(hint) is not typing.Unpack:
        return []
    (fields,) = typing.get_args(hint)
    # The annotations as written (strings), like those of the other parameters.
    return [
        inspect.Parameter(
            name,
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=getattr(kind, "__forward_arg__", kind),
        )
        for name, kind in fields.__annotations__.items()
    ]
