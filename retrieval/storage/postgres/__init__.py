"""PostgreSQL as whosaid's store: `PgStore` (schema.py holds its versioned migrations)."""

from retrieval.storage.postgres.store import PgStore, redact

__all__ = ["PgStore", "redact"]
