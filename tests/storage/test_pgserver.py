"""The test PostgreSQL server: it starts, serves SQL, gives each test its own database."""

from __future__ import annotations


def test_each_test_gets_an_empty_database_of_its_own(
    postgres_admin_url: str, postgres_url: str
) -> None:
    import psycopg

    with psycopg.connect(postgres_url) as conn:
        conn.execute("CREATE TABLE t (x int)")
        conn.execute("INSERT INTO t VALUES (41), (1)")
        assert conn.execute("SELECT sum(x) FROM t").fetchone() == (42,)
    with psycopg.connect(postgres_admin_url) as conn:
        names = [r[0] for r in conn.execute("SELECT datname FROM pg_database")]
    assert postgres_url.rsplit("/", 1)[1] in names
