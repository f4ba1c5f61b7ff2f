"""The data folder: its layout and every file name, the secret key, the instance lock and the start marker."""

from .layout import DataDirError, DataLayout

__all__ = ["DataDirError", "DataLayout"]
