"""delegate's benchmark harness: ``python -m bench run`` (see docs/benchmarks.md).

Importing the package starts nothing; every benchmark builds its processes, databases and
load when it runs.
"""
