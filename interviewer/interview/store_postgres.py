"""Sessions in PostgreSQL, for a team: several app replicas share one database (`INTERVIEWER_DATABASE_URL`).

psycopg 3 with a connection pool, not SQLAlchemy: the store is five statements that both databases run as written
(only the placeholders differ, `?` here and `%s` there), so one small adapter reads better than an ORM layer and
adds one dependency, not three. Needs the `postgres` extra: `pip install -e '.[postgres]'`.

- Every write is one transaction; a turn and the state it leads to commit together or not at all.
- Migrations are the same versioned steps as SQLite's, recorded in `schema_version`, run under an advisory lock so
  replicas starting at once migrate once.
- Two replicas appending the same turn of a session: the primary key (session, turn number) lets one win; the other
  gets `TurnConflict` and nothing of its write is kept.
- Deletion deletes the rows, then rewrites both tables (`VACUUM FULL`), so the text does not stay in the table files.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from interviewer.interview.store import MIGRATIONS, BaseStore, Db

MIGRATION_LOCK = 7_240_001  # pg_advisory_xact_lock key: one migrating replica at a time
POOL_MAX = 10


class StoreUnavailable(OSError):
    """The database cannot be reached or used; the message says which one (an OSError: the CLI prints it)."""


class _Pg:
    """A psycopg connection behind the store's `Db` protocol: `?` placeholders become `%s`."""

    def __init__(self, conn: Any):
        self.conn = conn

    def execute(self, sql: str, params: Any = ()) -> Any:
        return self.conn.execute(sql.replace("?", "%s"), params)

    def executemany(self, sql: str, params: Any) -> Any:
        cur = self.conn.cursor()
        cur.executemany(sql.replace("?", "%s"), params)
        return cur


def _psycopg() -> Any:
    try:
        import psycopg
        import psycopg_pool  # noqa: F401
    except ImportError as e:
        raise StoreUnavailable(
            "INTERVIEWER_DATABASE_URL points at PostgreSQL, but psycopg is not installed: "
            "pip install -e '.[postgres]' (or unset it to keep sessions in SQLite)"
        ) from e
    return psycopg


def redacted(url: str) -> str:
    """The URL without its password, for messages and logs."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


class PostgresSessionStore(BaseStore):
    dialect = "postgresql"

    def __init__(self, url: str, pool_max: int = POOL_MAX, connect_timeout_s: float = 10.0):
        psycopg = _psycopg()
        from psycopg_pool import ConnectionPool

        self.url = url
        self.where = redacted(url)
        self._duplicate = (psycopg.errors.UniqueViolation,)
        self._errors = (psycopg.OperationalError, psycopg.InterfaceError)
        self._lock = threading.Lock()
        try:  # one plain connection first: its error says why (the pool's would only say it timed out)
            psycopg.connect(url, connect_timeout=max(1, round(connect_timeout_s)), autocommit=True).close()
        except psycopg.Error as e:
            raise StoreUnavailable(f"cannot use the session database at {self.where}: {_reason(e)}") from e
        self.pool = ConnectionPool(  # each connection is checked as it is taken: after a database restart, the
            url, min_size=1, max_size=pool_max, open=False, timeout=connect_timeout_s,  # pool's dead ones are
            kwargs={"autocommit": True}, check=ConnectionPool.check_connection,  # replaced, not handed to a turn
        )  # fmt: skip
        try:
            self.pool.open(wait=True, timeout=connect_timeout_s)
            self._migrate()
        except Exception as e:
            self.pool.close()
            raise StoreUnavailable(f"cannot use the session database at {self.where}: {_reason(e)}") from e

    def close(self) -> None:
        self.pool.close()

    @contextmanager
    def _conn(self) -> Iterator[Any]:
        try:
            with self.pool.connection() as conn:
                yield conn
        except self._errors as e:
            raise StoreUnavailable(f"the session database at {self.where} failed: {_reason(e)}") from e

    @contextmanager
    def _write(self) -> Iterator[Db]:
        with self._conn() as conn, conn.transaction():
            yield _Pg(conn)

    @contextmanager
    def _read(self) -> Iterator[Db]:
        with self._conn() as conn:
            yield _Pg(conn)

    def _migrate(self) -> None:
        with self._conn() as conn, conn.transaction():
            db = _Pg(conn)
            db.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))
            db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = db.execute("SELECT version FROM schema_version").fetchone()
            if row is None:
                db.execute("INSERT INTO schema_version VALUES (0)")
            version = row[0] if row else 0
            for number, step in enumerate(MIGRATIONS[version:], start=version + 1):
                step(db, self.dialect)
                db.execute("UPDATE schema_version SET version = ?", (number,))

    def version(self) -> int:
        with self._read() as db:
            return int(db.execute("SELECT version FROM schema_version").fetchone()[0])

    def _delete(self, sql: str, params: tuple[str, ...]) -> int:
        with self._write() as db:
            count = int(db.execute(sql, params).rowcount)
        with self._lock, self._conn() as conn:  # outside a transaction: VACUUM cannot run inside one
            conn.execute("VACUUM FULL turns")
            conn.execute("VACUUM FULL sessions")
        return count


def _reason(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return f"{type(e).__name__}: {text[:300]}" if text else type(e).__name__
