"""DOFC's Python side: the job runner that executes notebooks and scripts for the scheduler."""

from dofc.checkpointing import Paused, checkpoint
from dofc.sampling import read, sample_fraction

__all__ = ["Paused", "checkpoint", "read", "sample_fraction"]

__version__ = "0.1.0"
