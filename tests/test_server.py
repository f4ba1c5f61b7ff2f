import sys

import pytest

from sts_snapshots.datadir import DataLayout
from sts_snapshots.datadir.lock import AlreadyRunning, acquire_instance_lock
from sts_snapshots.server import resolve_native


def test_native_without_pywebview_falls_back_to_the_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "webview", None)  # as on a machine without the [native] extra
    native, message = resolve_native(True)
    assert native is False and message and "Opening the browser instead" in message
    assert resolve_native(False) == (False, None)


def test_second_server_on_the_same_data_folder_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    layout = DataLayout(tmp_path)
    layout.prepare()
    first = acquire_instance_lock(layout)
    with pytest.raises(AlreadyRunning, match="already using"):
        acquire_instance_lock(layout)
    assert first is not None
    first.close()
    second = acquire_instance_lock(layout)  # free again once the first server is gone
    assert second is not None
    second.close()
