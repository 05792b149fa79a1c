"""The SDK moved to its own distribution, ``delegate-client`` (import ``delegate_client``).

Kept so that ``from delegate.client import Delegate`` goes on working; new code imports
``delegate_client``.
"""

from delegate_client import *  # noqa: F403 (the whole public API, as before the move)
from delegate_client import __all__ as __all__
