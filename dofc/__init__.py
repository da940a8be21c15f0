"""DOFC's Python side: the job runner that executes notebooks and scripts for the scheduler."""

__version__ = "0.1.0"
