"""STS Snapshots: offline-first ship-to-ship transfer clearance rooms with PDF snapshots."""

__version__ = "0.1.0"
