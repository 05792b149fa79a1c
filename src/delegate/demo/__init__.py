"""``delegate demo``: the whole loop on one machine, with nothing to configure."""
