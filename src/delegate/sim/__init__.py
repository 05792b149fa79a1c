"""The Recall.ai simulator: Recall's bot API, scripted meetings, webhooks and faults, offline.

``Simulator`` is the entry point; ``docs/simulator.md`` explains scripts, failures and faults.
"""

from delegate.sim.bots import BotState, RealtimeEndpoint, Recording
from delegate.sim.faults import MAGIC_MEETING_IDS, Faults, JoinOutcome
from delegate.sim.log import (
    ChatSent,
    DeliveryAbandoned,
    DeliveryAttempt,
    Entry,
    LeaveRequested,
    MeetingEvent,
    OutputAudio,
    OutputMedia,
    RecordingCommand,
    StatusChanged,
)
from delegate.sim.scripts import Script, ScriptError, load_script, parse_script, shipped_scripts
from delegate.sim.simulator import Simulator
from delegate.sim.timeline import Moment, expand

__all__ = [
    "MAGIC_MEETING_IDS",
    "BotState",
    "ChatSent",
    "DeliveryAbandoned",
    "DeliveryAttempt",
    "Entry",
    "Faults",
    "JoinOutcome",
    "LeaveRequested",
    "MeetingEvent",
    "Moment",
    "OutputAudio",
    "OutputMedia",
    "RealtimeEndpoint",
    "Recording",
    "RecordingCommand",
    "Script",
    "ScriptError",
    "Simulator",
    "StatusChanged",
    "expand",
    "load_script",
    "parse_script",
    "shipped_scripts",
]
