"""The composition root: the one place that builds real adapters from settings.

Tests build the same container with the simulator's in-process transport instead of the
network; nothing else differs.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine

from delegate.adapters.db.engine import create_engine
from delegate.adapters.db.uow import SqlUnitOfWorkFactory
from delegate.adapters.secretbox import SecretBox, load_or_create_key_file, parse_keys
from delegate.config import Settings


class SystemClock:
    def now_ms(self) -> int:
        return int(time.time() * 1000)


def build_secret_box(settings: Settings) -> SecretBox:
    if settings.secrets.keys is not None:
        return SecretBox(parse_keys(settings.secrets.keys.get_secret_value()))
    return SecretBox(load_or_create_key_file(settings.key_file))


@dataclass
class Container:
    settings: Settings
    engine: AsyncEngine
    uow: SqlUnitOfWorkFactory
    clock: SystemClock
    on_start: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    on_stop: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    async def start(self) -> None:
        for hook in self.on_start:
            await hook()

    async def stop(self) -> None:
        for hook in reversed(self.on_stop):
            await hook()

    async def aclose(self) -> None:
        await self.engine.dispose()


def build(settings: Settings) -> Container:
    """Build the container. Connects to nothing yet; ``start()`` starts background work."""
    engine = create_engine(settings.database_url, settings.db.pool_size, settings.db.echo)
    box = build_secret_box(settings)
    return Container(
        settings=settings,
        engine=engine,
        uow=SqlUnitOfWorkFactory(engine, box),
        clock=SystemClock(),
    )
