"""Benchmarks of STS Snapshots: run the real server as a subprocess, drive it over HTTP, write BENCHMARKS.md.

Run from the repository root with the project's virtual environment::

    .venv/bin/python -m bench            # every item (takes a while)
    .venv/bin/python -m bench cache      # one item
    .venv/bin/python -m bench --quick    # a short smoke run; prints, does not touch BENCHMARKS.md
"""
