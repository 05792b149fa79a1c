"""Reading the dashboard's HTML forms: url-encoded fields (and a multipart one with a file),
checked like the API's JSON bodies (the same pydantic models), after the CSRF check."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any, TypeVar
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


def editable(form: Form, texts: tuple[str, ...]) -> dict[str, Any]:
    """An edit form's fields: texts as typed (an emptied one is cleared), the alias when
    filled, and ``meta`` when the form has it (a JSON object; emptied clears it)."""
    fields: dict[str, Any] = {n: form.get(n) or "" for n in texts}
    alias = form.get("alias")
    if alias is not None:
        fields["alias"] = alias
    if form.sent("meta"):
        fields["meta"] = json_object("meta", form.get("meta"))
    return fields


def json_object(name: str, text: str | None) -> Any:
    """A field holding a JSON object (``meta``); None when empty."""
    if text is None:
        return None
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, dict):
        raise InvalidInput(f'"{name}" must be a JSON object, e.g. {{"team": "sales"}}')
    return value


@dataclass(frozen=True)
class Upload:
    form: Form
    """The form's other fields."""
    filename: str
    content_type: str | None
    data: bytes


def _utf8(text: str) -> str:
    # Browsers send a non-ASCII file name as raw UTF-8, which the parser keeps as surrogates.
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


async def read_upload(request: Request, field: str = "file") -> Upload:
    """A posted multipart form with one file, once its CSRF value (and Origin) has been checked.
    The body is already capped by the app; the stdlib's MIME parser reads it."""
    kind = request.headers.get("content-type", "")
    if not kind.lower().startswith("multipart/form-data"):
        await read_form(request)  # a form without the file: its CSRF value still applies
        raise InvalidInput("Choose a file to upload")
    head = b"Content-Type: " + kind.encode("latin-1", "replace") + b"\r\n\r\n"
    message = BytesParser(policy=HTTP).parsebytes(head + await request.body())
    pairs: list[tuple[str, str]] = []
    upload: tuple[str, str | None, bytes] | None = None
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True)
        if not isinstance(name, str) or not isinstance(data, bytes):
            continue
        filename = part.get_filename()
        if filename is None:
            pairs.append((name, _utf8(data.decode("utf-8", "replace"))))
        elif name == field and upload is None:
            upload = (_utf8(filename), part.get_content_type(), data)
    form = Form(pairs)
    check_csrf(request, form.get(CSRF_FIELD))
    if upload is None or not upload[0]:
        raise InvalidInput("Choose a file to upload")
    return Upload(form, *upload)
