from pathlib import Path

import pytest

from sts_snapshots.settings import Settings, SettingsError, describe


def test_defaults_are_safe() -> None:
    settings = Settings.load({}, env={})
    assert settings.host == "127.0.0.1" and settings.port == 8000 and settings.log_level == "INFO"
    assert "sts-snapshots" in str(settings.data_dir)


def test_cli_beats_env_beats_default() -> None:
    env = {"STS_PORT": "8500", "STS_DATA_DIR": "/tmp/from-env", "STS_DEMO": "false"}
    assert Settings.load({"port": 9000}, env).port == 9000
    from_env = Settings.load({}, env)
    assert from_env.port == 8500 and from_env.data_dir == Path("/tmp/from-env") and from_env.demo is False
    assert Settings.load({"port": None}, env).port == 8500


@pytest.mark.parametrize("env", [{"STS_PORT": "eighty"}, {"STS_PORT": "70000"}, {"STS_DEMO": "maybe"},
                                 {"STS_LOG_LEVEL": "LOUD"}, {"STS_WORKERS": "-1"}, {"STS_CLEANUP_HOUR": "24"}])
def test_bad_values_are_named(env: dict[str, str]) -> None:
    with pytest.raises(SettingsError) as err:
        Settings.load({}, env)
    name = next(iter(env)).removeprefix("STS_").lower()
    assert name in str(err.value)


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    for name, env, _default, _help in describe():
        assert f"`{env}`" in readme, f"{name} ({env}) is missing from the README's settings table"
