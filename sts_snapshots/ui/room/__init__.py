"""The room page (``page.py``) and its sections, which share one :class:`~.context.RoomContext`."""
