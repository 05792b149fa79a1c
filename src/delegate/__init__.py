"""delegate: AI delegates for video meetings, through the Recall.ai API."""

__version__ = "0.1.0"
