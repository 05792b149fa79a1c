"""Fault injection: make the simulator misbehave the ways Recall.ai does, on demand.

One ``Faults`` object per simulator, changed at runtime (``sim.faults``). Three families:

- API responses: ``rate_limit`` (429 + Retry-After), ``server_error`` (5xx), ``out_of_bots``
  (507 + Retry-After on create), ``slow_responses``, ``garbled_creates`` (the bot is created
  but the answer cannot be read).
- Deliveries to realtime endpoints and the status webhook: ``duplicate_deliveries``,
  ``delay_deliveries``, ``reorder_deliveries`` (breaks in-order delivery on purpose).
- Recall's looseness (``variants.py``): ``vary_payloads`` (shapes real deliveries take),
  ``unsigned_realtime``, ``realtime_content_type``, ``late_names`` (names and emails only in a
  later ``participant_events.update``), ``late_status`` (one status webhook arrives after a
  later one), ``lag_realtime`` (realtime deliveries trail the status webhooks, so transcript
  still arrives after ``call_ended``), ``output_logs`` (legacy ``bot.output_log`` webhooks),
  ``oversize_media`` (realtime deliveries over any body cap).
- Joining: ``fatal_on_join``, ``deny_waiting_room``, ``waiting_room_timeout``, for every new bot
  or only for one meeting id. Some meeting ids fail without any setting (``MAGIC_MEETING_IDS``).

Counted faults (``times=n``) apply to the next ``n`` matching requests or bots; ``times=None``
applies until ``reset()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from delegate.sim.variants import PAYLOAD_VARIANTS, PayloadVariant

RouteKind = Literal["any", "create", "read", "update", "command"]
JoinKind = Literal["admitted", "fatal", "denied", "waiting_room_timeout"]


@dataclass(frozen=True)
class JoinOutcome:
    """How a bot's attempt to join ends. ``sub_code`` only for ``fatal``."""

    kind: JoinKind
    sub_code: str | None = None


ADMITTED = JoinOutcome("admitted")

MAGIC_MEETING_IDS: dict[str, JoinOutcome] = {
    # Zoom meeting numbers (https://zoom.us/j/<id>)
    "404404404": JoinOutcome("fatal", "meeting_not_found"),
    "410410410": JoinOutcome("fatal", "meeting_ended"),
    "423423423": JoinOutcome("fatal", "meeting_locked"),
    "500500500": JoinOutcome("fatal", "bot_errored"),
    "403403403": JoinOutcome("denied"),
    "408408408": JoinOutcome("waiting_room_timeout"),
    # Google Meet codes (https://meet.google.com/<id>)
    "err-notf-und": JoinOutcome("fatal", "meeting_not_found"),
    "err-deny-wrm": JoinOutcome("denied"),
    "err-wait-out": JoinOutcome("waiting_room_timeout"),
}


@dataclass(frozen=True)
class ApiFault:
    """A response the API gives instead of doing the work."""

    status: int
    body: dict[str, str]
    retry_after_s: int | None = None


@dataclass
class _Rule:
    on: RouteKind
    remaining: int | None

    def matches(self, kind: str) -> bool:
        return self.on in ("any", kind) and (self.remaining is None or self.remaining > 0)

    def consume(self) -> None:
        if self.remaining is not None:
            self.remaining -= 1


@dataclass
class _ApiRule(_Rule):
    fault: ApiFault


@dataclass
class _DelayRule(_Rule):
    seconds: float


@dataclass
class _JoinRule:
    outcome: JoinOutcome
    meeting_id: str | None
    remaining: int | None


class Faults:
    """Runtime-configurable misbehaviour. Every setter returns ``self`` so calls chain."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> Faults:
        """Back to a well-behaved simulator."""
        self._api: list[_ApiRule] = []
        self._capacity: list[_ApiRule] = []
        self._delays: list[_DelayRule] = []
        self._joins: list[_JoinRule] = []
        self._garbled_creates = 0
        self._held_answers: list[_DelayRule] = []
        self.duplicate = False
        self.reorder = False
        self.delivery_delay_s = 0.0
        self.variants: frozenset[str] = frozenset()
        self.sign_realtime = True
        self.content_type = "application/json"
        self.names_late = False
        self.late_statuses: dict[str, str] = {}
        self.realtime_lag_s = 0.0
        self.output_log = False
        self.media_bytes = 0
        return self

    # API responses

    def rate_limit(
        self, times: int | None = 1, retry_after_s: int = 1, on: RouteKind = "any"
    ) -> Faults:
        """Answer 429 with ``Retry-After`` to the next ``times`` requests of kind ``on``."""
        body = {"detail": f"Request was throttled. Expected available in {retry_after_s} seconds."}
        self._api.append(_ApiRule(on, times, ApiFault(429, body, retry_after_s)))
        return self

    def server_error(
        self, times: int | None = 1, status: int = 503, on: RouteKind = "any"
    ) -> Faults:
        """Answer ``status`` (a 5xx) to the next ``times`` requests of kind ``on``."""
        if not 500 <= status <= 599:
            raise ValueError("server_error needs a 5xx status")
        body = {"detail": "The server is temporarily unable to handle the request."}
        self._api.append(_ApiRule(on, times, ApiFault(status, body)))
        return self

    def out_of_bots(self, times: int | None = 1, retry_after_s: int = 30) -> Faults:
        """Answer 507 (no ad-hoc bot available) with ``Retry-After`` to the next creates."""
        body = {"detail": "Out of adhoc bots", "code": "out_of_adhoc_bots"}
        self._capacity.append(_ApiRule("create", times, ApiFault(507, body, retry_after_s)))
        return self

    def slow_responses(
        self, delay_s: float, times: int | None = None, on: RouteKind = "any"
    ) -> Faults:
        """Hold each matching response for ``delay_s`` real seconds before answering."""
        self._delays.append(_DelayRule(on, times, delay_s))
        return self

    # deliveries

    def duplicate_deliveries(self, enabled: bool = True) -> Faults:
        """Send every delivery twice: same ``webhook-id``, same body."""
        self.duplicate = enabled
        return self

    def delay_deliveries(self, seconds: float) -> Faults:
        """Wait ``seconds`` (real) before each delivery."""
        self.delivery_delay_s = max(0.0, seconds)
        return self

    def reorder_deliveries(self, enabled: bool = True) -> Faults:
        """Swap each pair of consecutive deliveries to an endpoint (second one goes first)."""
        self.reorder = enabled
        return self

    # Recall's looseness

    def vary_payloads(self, *variants: PayloadVariant) -> Faults:
        """Send the given variants of every payload (see ``variants.py``); none: back to
        the documented shapes."""
        unknown = set(variants) - set(PAYLOAD_VARIANTS)
        if unknown:
            raise ValueError(f"unknown payload variants: {', '.join(sorted(unknown))}")
        self.variants = frozenset(variants)
        return self

    def unsigned_realtime(self, enabled: bool = True) -> Faults:
        """Realtime deliveries carry no signature even with a workspace secret (some
        workspaces sign only their status webhooks); the endpoint's token still goes along."""
        self.sign_realtime = not enabled
        return self

    def realtime_content_type(self, value: str = "text/plain") -> Faults:
        """Send realtime deliveries with this ``Content-Type`` (the body stays JSON)."""
        self.content_type = value
        return self

    def late_names(self, enabled: bool = True) -> Faults:
        """Participants come with ``name`` and ``email`` null (as on Zoom) until a
        ``participant_events.update`` names them, right after their first final fragment."""
        self.names_late = enabled
        return self

    def late_status(self, code: str, after: str) -> Faults:
        """Hold the status webhook for ``code`` back until the one for ``after`` has been
        queued (Svix does not keep webhooks in order)."""
        self.late_statuses[code] = after
        return self

    def lag_realtime(self, seconds: float) -> Faults:
        """Each realtime delivery goes out ``seconds`` (simulated) after its event, while
        status webhooks go at once: the meeting's last lines arrive after ``call_ended``."""
        self.realtime_lag_s = max(0.0, seconds)
        return self

    def oversize_media(self, size: int = 2_000_000) -> Faults:
        """Follow each final transcript fragment with an ``audio_mixed_raw.data`` delivery
        of about ``size`` bytes (a media buffer, larger than a receiver's body cap); 0: none."""
        self.media_bytes = max(0, size)
        return self

    def output_logs(self, enabled: bool = True) -> Faults:
        """Follow each status webhook with a legacy ``bot.output_log`` webhook."""
        self.output_log = enabled
        return self

    # joining

    def fatal_on_join(
        self,
        sub_code: str = "meeting_not_found",
        times: int | None = None,
        meeting_id: str | None = None,
    ) -> Faults:
        """New bots go ``joining_call -> fatal(sub_code)``."""
        return self._join(JoinOutcome("fatal", sub_code), times, meeting_id)

    def deny_waiting_room(self, times: int | None = None, meeting_id: str | None = None) -> Faults:
        """New bots are refused in the waiting room:
        ``call_ended(bot_kicked_from_waiting_room)``."""
        return self._join(JoinOutcome("denied"), times, meeting_id)

    def waiting_room_timeout(
        self, times: int | None = None, meeting_id: str | None = None
    ) -> Faults:
        """New bots are never admitted: after ``automatic_leave.waiting_room_timeout`` they end
        with ``call_ended(timeout_exceeded_waiting_room)``."""
        return self._join(JoinOutcome("waiting_room_timeout"), times, meeting_id)

    def _join(self, outcome: JoinOutcome, times: int | None, meeting_id: str | None) -> Faults:
        self._joins.append(_JoinRule(outcome, meeting_id, times))
        return self

    # used by the simulator

    def take_api_fault(self, kind: str) -> ApiFault | None:
        """A throttling or server fault, decided before the request is looked at."""
        return self._take(self._api, kind)

    def garbled_creates(self, times: int = 1) -> Faults:
        """Create the next ``times`` bots as asked, but answer each create with a 201 whose
        body is not a bot object (a proxy's page): the caller cannot tell what happened."""
        self._garbled_creates = times
        return self

    def hold_create_answers(self, delay_s: float, times: int | None = None) -> Faults:
        """Create the next ``times`` bots at once, but hold each create's answer for
        ``delay_s`` real seconds: a caller that dies meanwhile never learns of its bot."""
        self._held_answers.append(_DelayRule("create", times, delay_s))
        return self

    def take_answer_hold(self) -> float:
        for rule in self._held_answers:
            if rule.matches("create"):
                rule.consume()
                return rule.seconds
        return 0.0

    def take_garbled_create(self) -> bool:
        if self._garbled_creates <= 0:
            return False
        self._garbled_creates -= 1
        return True

    def take_capacity_fault(self) -> ApiFault | None:
        """A 507 for an ad-hoc create; it counts as the request's result (idempotency)."""
        return self._take(self._capacity, "create")

    @staticmethod
    def _take(rules: list[_ApiRule], kind: str) -> ApiFault | None:
        for rule in rules:
            if rule.matches(kind):
                rule.consume()
                return rule.fault
        return None

    def take_response_delay(self, kind: str) -> float:
        for rule in self._delays:
            if rule.matches(kind):
                rule.consume()
                return rule.seconds
        return 0.0

    def take_join_outcome(self, meeting_id: str) -> JoinOutcome:
        for rule in self._joins:
            if rule.meeting_id not in (None, meeting_id):
                continue
            if rule.remaining is not None:
                if rule.remaining <= 0:
                    continue
                rule.remaining -= 1
            return rule.outcome
        return MAGIC_MEETING_IDS.get(meeting_id, ADMITTED)
