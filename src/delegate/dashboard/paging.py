"""What every list page of the dashboard shares: the record id in its paths, the cursor of
its pages (50 records a page) and the link to the next one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Query

from delegate.api.deps import list_query
from delegate.domain.ids import ID_PATTERN
from delegate.domain.records import CURSOR_PATTERN, ListQuery

PAGE_SIZE = 50
RecordId = Annotated[str, Path(pattern=ID_PATTERN.pattern)]
Cursor = Annotated[str | None, Query(max_length=48, pattern=CURSOR_PATTERN.pattern)]
CHOICES = ListQuery(take=100)
"""A form's picker (the bot of an integration, the dataset of a bot): the first 100."""


def page_query(cursor: str | None) -> ListQuery:
    return list_query(cursor=cursor, take=PAGE_SIZE)


def next_cursor(items: list[Any], cursor: str | None, query: ListQuery) -> str | None:
    """The cursor of the next page; None on the last one."""
    return cursor if len(items) == query.take else None
