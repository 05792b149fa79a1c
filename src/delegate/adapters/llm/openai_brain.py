"""The LLM brain: any OpenAI-compatible Chat Completions server, with tools.

Works with OpenAI, Ollama (``/v1``), vLLM, llama.cpp's server and llama-cpp-python's server.
Retries are off and every call has a deadline: the event pipeline decides what to do with a
failed reply (``BrainUnavailable``), and a reply that arrives a minute late is worse than none.

Small local models answer in every shape: no tool call, a tool call written as text,
malformed arguments, an over-long message. Each is repaired where the intent is clear; an
answer with nothing usable raises ``NoUsableAnswer`` so the pipeline's fallback brain
answers instead (never silence). Only an explicit ``stay_silent`` about a follow-up (a turn
that reached the model without its name) is honoured as silence: the model's veto.

Notes are asked for as JSON and parsed leniently (code fences, prose around the object). If
the model's answer cannot be used, the rule-based notes are returned instead, so a meeting
never ends without notes because a model rambled.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx2
import openai
import structlog
from openai.types.chat import ChatCompletion

from delegate.adapters.llm.prompts import (
    SILENT_WORDS,
    STAY_SILENT,
    TOOLS,
    chat_messages,
    notes_messages,
)
from delegate.config import LlmSettings
from delegate.domain.addressing import Reason
from delegate.domain.errors import UpstreamFailed
from delegate.domain.meeting import (
    Action,
    ActionItem,
    BrainContext,
    LeaveMeeting,
    MeetingNotes,
    NotesContext,
    Participant,
    PauseRecording,
    ResumeRecording,
    SendChat,
    StartScreenshare,
    StopScreenshare,
)
from delegate.domain.notes import bot_names, due_in, extract_notes, left_out_words, without
from delegate.domain.pause import pause_length
from delegate.domain.summary import clip
from delegate.domain.validation import page_url_problem

log = structlog.stdlib.get_logger(__name__)

TokenLimitParam = Literal["max_tokens", "max_completion_tokens"]

MAX_CHAT_CHARS = 1000
_NOTES_MIN_CHARS = 24_000
_NOTES_REPLY_TOKENS = 1200
_THINK = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)
_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL | re.IGNORECASE)
_RECIPIENTS = frozenset({"everyone", "host", "everyone_except_host"})
_TOOL_NAMES = frozenset(tool["function"]["name"] for tool in TOOLS)
# The message of a send_chat_message call whose JSON is cut off or unescaped.
_LOOSE_MESSAGE = re.compile(r'"message"\s*:\s*"(?P<text>.*)', re.DOTALL)
_LOOSE_END = re.compile(r'"?\s*(?:,\s*"to"\s*:\s*"[^"]*"\s*)?\}?\s*$')


PROBE_TIMEOUT_S = 3.0


class BrainUnavailable(UpstreamFailed):
    """The model could not be reached or failed to answer in time."""


class NoUsableAnswer(BrainUnavailable):
    """The model answered with nothing the delegate can say or do (and did not choose
    silence): the fallback brain answers instead."""


@dataclass
class Answer:
    """What one completion asks for."""

    actions: list[Action] = field(default_factory=list)
    silent: bool = False
    """The model called ``stay_silent`` (or wrote only a silence word)."""


def _cause(exc: BaseException) -> str:
    """What went wrong underneath an SDK error, e.g. ``ConnectError: [Errno 111] ...``."""
    inner = exc.__cause__ or exc
    return f"{type(inner).__name__}: {inner}" if str(inner) else type(inner).__name__


async def check_model(settings: LlmSettings) -> bool:
    """Ask the model server for its models (``GET {base_url}/models``, a few seconds at most)
    and log which URL failed and why, or that it does not serve the configured model.
    Start-up calls this so an unreachable model is known before the first meeting."""
    client = openai.AsyncOpenAI(
        base_url=settings.base_url,
        api_key=settings.api_key.get_secret_value() or "sk-local",
        timeout=PROBE_TIMEOUT_S,
        max_retries=0,
    )
    url = f"{str(client.base_url).rstrip('/')}/models"
    try:
        served = [model.id async for model in client.models.list()]
    except openai.APIStatusError as exc:
        log.warning("llm.unreachable", url=url, cause=f"answered {exc.status_code}")
        return False
    except openai.OpenAIError as exc:
        log.warning("llm.unreachable", url=url, cause=_cause(exc))
        return False
    finally:
        await client.close()
    if served and settings.model not in served:
        log.warning("llm.model_not_served", url=url, model=settings.model, served=served[:10])
        return False
    log.info("llm.ready", url=url, model=settings.model)
    return True


class OpenAIBrain:
    """A Brain backed by an OpenAI-compatible server (``settings.base_url``)."""

    def __init__(
        self,
        settings: LlmSettings,
        http_client: httpx2.AsyncClient | None = None,
        *,
        token_limit_param: TokenLimitParam = "max_tokens",  # noqa: S107 (a parameter name, not a secret)
    ) -> None:
        # ``max_tokens`` is the portable default: Ollama and llama-cpp-python ignore
        # ``max_completion_tokens``; only OpenAI's reasoning models need the latter.
        self._settings = settings
        self._token_limit_param = token_limit_param
        self._owns_http = http_client is None
        self._outage: str | None = None
        self._client = openai.AsyncOpenAI(
            base_url=settings.base_url,
            api_key=settings.api_key.get_secret_value() or "sk-local",
            timeout=settings.timeout_s,
            max_retries=0,
            http_client=http_client,
        )

    async def aclose(self) -> None:
        """Close the HTTP client, unless it was handed in (its owner closes it)."""
        if self._owns_http:
            await self._client.close()

    async def respond(self, ctx: BrainContext) -> list[Action]:
        """Ask the model what to do about ``ctx.trigger``; raises BrainUnavailable (and
        NoUsableAnswer when the answer holds nothing usable)."""
        completion = await self._complete(
            model=ctx.model or self._settings.model,
            messages=chat_messages(ctx),
            max_reply_tokens=self._settings.max_reply_tokens,
            tools=True,
        )
        answer = read_answer(completion, ctx.participants)
        if answer.actions:
            return answer.actions
        # The veto: a turn that reached the model without its name may be for the room.
        if answer.silent and ctx.reason == Reason.FOLLOW_UP:
            log.info("llm.stayed_silent", seq=ctx.trigger.seq)
            return []
        raise NoUsableAnswer("The model's answer held no message or action")

    async def write_notes(self, ctx: NotesContext) -> MeetingNotes:
        """Notes written by the model; the rule-based notes if its answer is unusable.

        Raises BrainUnavailable when the model cannot be reached, so the caller can retry
        later or settle for ``OfflineBrain`` notes.
        """
        offline = extract_notes(ctx.turns, ctx.participants, bot_name=ctx.bot_name)
        draft = json.dumps(
            {
                "summary": offline.summary,
                "decisions": offline.decisions,
                "action_items": [
                    {"owner": i.owner, "text": i.text, "due": i.due} for i in offline.action_items
                ],
            },
            ensure_ascii=False,
        )
        max_chars = max(_NOTES_MIN_CHARS, self._settings.context_tokens * 4 * 4)
        completion = await self._complete(
            model=ctx.model or self._settings.model,
            messages=notes_messages(ctx, draft, max_chars),
            max_reply_tokens=max(_NOTES_REPLY_TOKENS, self._settings.max_reply_tokens),
            tools=False,
        )
        content = completion.choices[0].message.content if completion.choices else None
        notes = parse_notes(content or "")
        if notes is None:
            log.warning("llm.notes_unparsable", chars=len(content or ""))
            return offline
        if not notes.summary:
            notes = MeetingNotes(offline.summary, notes.decisions, notes.action_items)
        # "Leave X out of the notes" binds the model as it binds the rules.
        return without(notes, left_out_words(ctx.turns, bot_names(ctx.bot_name, ctx.participants)))

    def _failed(self, cause: str) -> BrainUnavailable:
        """The error to raise, logged once per outage (with the URL and the cause) rather
        than once for each reply the outage costs."""
        if self._outage is None:
            log.warning("llm.unavailable", url=str(self._client.base_url), cause=cause)
        self._outage = cause
        return BrainUnavailable(cause)

    async def _complete(
        self, *, model: str, messages: Any, max_reply_tokens: int, tools: bool
    ) -> ChatCompletion:
        extra: dict[str, Any] = {self._token_limit_param: max_reply_tokens}
        if tools:
            extra["tools"] = TOOLS
        try:
            # The SDK's timeout is per phase (connect, read, ...); a server that trickles
            # bytes could outlast it, so the whole call also has one deadline.
            async with asyncio.timeout(self._settings.timeout_s):
                completion: ChatCompletion = await self._client.chat.completions.create(
                    model=model, messages=messages, **extra
                )
        except TimeoutError as exc:
            raise self._failed(
                f"The model did not answer within {self._settings.timeout_s:g} s"
            ) from exc
        except openai.APIStatusError as exc:
            raise self._failed(
                f"The model server answered {exc.status_code} for model {model!r}"
            ) from exc
        except openai.APITimeoutError as exc:
            raise self._failed(
                f"The model did not answer within {self._settings.timeout_s:g} s"
            ) from exc
        except openai.APIConnectionError as exc:
            raise self._failed(f"The model server could not be reached ({_cause(exc)})") from exc
        except openai.OpenAIError as exc:
            raise self._failed(f"The model call failed: {type(exc).__name__}") from exc
        if self._outage is not None:
            log.info("llm.recovered", url=str(self._client.base_url))
            self._outage = None
        return completion


def _recipient(to: object, participants: Sequence[Participant]) -> str:
    """Recall's ``to``: everyone, host, or a participant id (Zoom DMs). Names are resolved."""
    if not isinstance(to, str) or not to.strip():
        return "everyone"
    wanted = to.strip()
    if wanted.lower() in _RECIPIENTS:
        return wanted.lower()
    if wanted.isdigit():
        return wanted
    for person in participants:
        if not person.is_bot and person.name.lower() == wanted.lower():
            return str(person.id)
    return "everyone"


def _arguments(name: str, arguments: str) -> dict[str, Any] | None:
    """The call's arguments; a chat message is recovered from cut-off or unescaped JSON."""
    try:
        args = json.loads(arguments) if arguments.strip() else {}
    except json.JSONDecodeError:
        loose = _LOOSE_MESSAGE.search(arguments) if name == "send_chat_message" else None
        if loose is None:
            return None
        return {"message": _LOOSE_END.sub("", loose["text"]).replace('\\"', '"')}
    return args if isinstance(args, dict) else None


def _action(name: str, arguments: str, participants: Sequence[Participant]) -> Action | None:
    args = _arguments(name, arguments)
    if args is None:
        return None
    match name:
        case "send_chat_message":
            message = args.get("message")
            if not isinstance(message, str) or not message.strip():
                return None
            return SendChat(
                clip(message.strip(), MAX_CHAT_CHARS), _recipient(args.get("to"), participants)
            )
        case "leave_meeting":
            return LeaveMeeting()
        case "pause_recording":
            minutes = args.get("minutes")
            if isinstance(minutes, int | float) and not isinstance(minutes, bool) and minutes > 0:
                return PauseRecording(pause_length(int(minutes), 0))
            return PauseRecording()
        case "resume_recording":
            return ResumeRecording()
        case "start_screenshare":
            url = args.get("url")
            # The API's rule for pages: a model asked to show an internal address must not.
            if not isinstance(url, str) or page_url_problem(url):
                return None
            return StartScreenshare(url.strip())
        case "stop_screenshare":
            return StopScreenshare()
    return None


def _calls(message: Any) -> list[tuple[str, str]]:
    """(name, arguments) of the message's tool calls, or of one written as JSON text
    (``{"name": ..., "arguments": ...}``), as many small models do."""
    calls = []
    for call in message.tool_calls or []:
        if call.type == "function":
            calls.append((call.function.name, call.function.arguments))
        else:
            log.warning("llm.tool_call_ignored", kind=call.type)
    if calls or not message.content:
        return calls
    written = _json_object(message.content)
    name = written.get("name") if written else None
    if written is None or name not in _TOOL_NAMES:
        return []
    args = written.get("arguments", written.get("parameters", {}))
    return [(str(name), args if isinstance(args, str) else json.dumps(args))]


def read_answer(completion: ChatCompletion, participants: Sequence[Participant] = ()) -> Answer:
    """What a completion asks for. Invalid tool calls are logged and skipped; plain text
    without any tool call becomes a chat message (many small models answer that way)."""
    answer = Answer()
    if not completion.choices:
        return answer
    message = completion.choices[0].message
    calls = _calls(message)
    for name, arguments in calls:
        if name == STAY_SILENT:
            answer.silent = True
            continue
        action = _action(name, arguments, participants)
        if action is None:
            log.warning("llm.tool_call_invalid", tool=name)
        elif action not in answer.actions:
            answer.actions.append(action)
    if not calls:
        text = _THINK.sub("", message.content or "").strip()
        if text.strip(" .!").lower() in SILENT_WORDS:
            answer.silent = True
        elif text:
            answer.actions.append(SendChat(clip(text, MAX_CHAT_CHARS)))
    # Say goodbye before leaving: after LeaveMeeting the bot can no longer chat.
    answer.actions.sort(key=lambda a: isinstance(a, LeaveMeeting))
    return answer


def _json_object(text: str) -> dict[str, Any] | None:
    text = _THINK.sub("", text)
    candidates = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    for candidate in candidates:
        start, end = candidate.find("{"), candidate.rfind("}")
        if start < 0 or end <= start:
            continue
        try:
            value = json.loads(candidate[start : end + 1])
        except json.JSONDecodeError:
            continue
        if isinstance(value, dict):
            return value
    return None


def _strings(value: object) -> list[str]:
    if not isinstance(value, list):
        return []
    return [clip(" ".join(v.split()), 300) for v in value if isinstance(v, str) and v.strip()]


def _items(value: object) -> list[ActionItem]:
    if not isinstance(value, list):
        return []
    items = []
    for raw in value:
        if isinstance(raw, str) and raw.strip():
            items.append(ActionItem(clip(raw.strip(), 300), due=due_in(raw)))
        elif isinstance(raw, dict):
            text = raw.get("text") or raw.get("task") or raw.get("item")
            owner = raw.get("owner") or raw.get("assignee")
            if isinstance(text, str) and text.strip():
                owner_name = owner.strip() if isinstance(owner, str) and owner.strip() else None
                if owner_name and owner_name.lower() in {"null", "none", "unassigned", "n/a"}:
                    owner_name = None
                due = raw.get("due")
                when = due.strip() if isinstance(due, str) and due.strip() else due_in(text)
                items.append(ActionItem(clip(text.strip(), 300), owner_name, when))
    return items


def parse_notes(text: str) -> MeetingNotes | None:
    """Notes from a model's answer, tolerating fences and prose; None if there are none."""
    data = _json_object(text)
    if data is None:
        return None
    summary = data.get("summary")
    decisions = _strings(data.get("decisions"))
    items = _items(data.get("action_items", data.get("actionItems")))
    if not isinstance(summary, str):
        summary = ""
    if not summary.strip() and not decisions and not items:
        return None
    return MeetingNotes(summary=summary.strip(), decisions=decisions, action_items=items)
