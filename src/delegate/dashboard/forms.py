"""Reading the dashboard's HTML forms: url-encoded fields, checked like the API's JSON bodies
(the same pydantic models), after the CSRF check."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar
from urllib.parse import parse_qsl

from fastapi import Request
from pydantic import BaseModel, ValidationError

from delegate.api.errors import validation_message
from delegate.dashboard.signin import CSRF_FIELD, check_csrf
from delegate.domain.errors import InvalidInput

M = TypeVar("M", bound=BaseModel)


class Form:
    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = pairs

    def get(self, name: str) -> str | None:
        """The field's value; None when absent or empty."""
        value = next((v for k, v in self._pairs if k == name), "")
        return value if value.strip() else None

    def sent(self, name: str) -> bool:
        """Whether the form has the field at all (an emptied one included)."""
        return any(k == name for k, _ in self._pairs)

    def all(self, name: str) -> list[str]:
        return [v for k, v in self._pairs if k == name]

    def filled(self, *names: str) -> dict[str, str]:
        """The named fields that were filled in."""
        return {n: v for n in names if (v := self.get(n)) is not None}


async def read_form(request: Request) -> Form:
    """The posted form, once its CSRF value (and Origin) has been checked."""
    body = (await request.body()).decode("utf-8", "replace")
    pairs = parse_qsl(body, keep_blank_values=True)
    form = Form(pairs)
    check_csrf(request, form.get(CSRF_FIELD))
    return form


def validated(model: type[M], fields: Mapping[str, object]) -> M:
    """The fields as the API's request model, or InvalidInput saying what is wrong."""
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        raise InvalidInput(validation_message(exc.errors())) from exc
