"""Settings from the environment: tunable limits are numbers or the app refuses to start."""

from __future__ import annotations

import pytest

from feedback_app.config import ConfigError, from_environment


def test_limits_come_from_the_environment_as_numbers() -> None:
    config = from_environment(
        {
            "RESPOND_SAVE_LIMIT": "120",
            "RESPOND_SAVE_WINDOW_SECONDS": "30",
            "RESPOND_MIN_SECONDS_PER_PAGE": "1.5",
            "IMPORT_MAX_BYTES": "10485760",
        }
    ).flask_config()
    assert config["RESPOND_SAVE_LIMIT"] == 120
    assert config["RESPOND_SAVE_WINDOW_SECONDS"] == 30
    assert config["RESPOND_MIN_SECONDS_PER_PAGE"] == 1.5
    assert config["IMPORT_MAX_BYTES"] == 10_485_760


def test_unset_limits_leave_the_code_defaults() -> None:
    assert "RESPOND_SAVE_LIMIT" not in from_environment({}).flask_config()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("RESPOND_SAVE_LIMIT", "lots", "must be a int"),
        ("RESPOND_SAVE_LIMIT", "0", "at least 1"),
        ("RESPOND_MIN_SECONDS_PER_PAGE", "-1", "at least 0"),
        ("IMPORT_MAX_BYTES", "12", "at least 1024"),
    ],
)
def test_a_bad_limit_stops_the_app_with_a_clear_message(
    name: str, value: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        from_environment({name: value})


def test_trusted_proxies_are_addresses_or_networks() -> None:
    assert from_environment({}).flask_config()["FORWARDED_ALLOW_IPS"] == "127.0.0.1"
    settings = from_environment({"FORWARDED_ALLOW_IPS": "10.0.0.0/8, ::1"})
    assert settings.flask_config()["FORWARDED_ALLOW_IPS"] == "10.0.0.0/8, ::1"
    with pytest.raises(ConfigError, match="FORWARDED_ALLOW_IPS"):
        from_environment({"FORWARDED_ALLOW_IPS": "the load balancer"})
