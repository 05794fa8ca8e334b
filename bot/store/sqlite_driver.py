"""SQLite statements in one thread hop each.

SQLAlchemy's aiosqlite adapter spends four trips to aiosqlite's worker thread on every statement:
create a cursor, execute, fetch the rows, close the cursor. Each trip is a thread hand-off and an
event-loop wake-up, and together they cost several times what SQLite takes to run the statement.
This adapter does the four steps in one function on the worker thread, so a statement is one trip.
Everything else (connections, transactions, error translation) is SQLAlchemy's aiosqlite support,
selected through ``create_async_engine(module=...)``.

It relies on two documented-by-source details that the pinned versions share: aiosqlite runs queued
functions on its connection's thread (``Connection._execute``) around a plain ``sqlite3`` connection
(``Connection._conn``). The whole store test suite runs through this adapter.
"""

from __future__ import annotations

import collections
import sqlite3
from collections.abc import Sequence
from typing import Any, cast

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT

_Outcome = tuple[Any, int, int | None, list[Any]]


def _run_one(connection: sqlite3.Connection, operation: str, parameters: Any) -> _Outcome:
    cursor = connection.cursor()
    try:
        cursor.execute(operation, () if parameters is None else parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


def _run_many(connection: sqlite3.Connection, operation: str, parameters: Sequence[Any]) -> _Outcome:
    cursor = connection.cursor()
    try:
        cursor.executemany(operation, parameters)
        return cursor.description, cursor.rowcount, cursor.lastrowid, []
    finally:
        cursor.close()


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    """A cursor whose execute is one trip to the connection's thread."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: Any) -> None:
        # No aiosqlite cursor is opened: each statement opens and closes a sqlite3 one in-thread.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]

    def close(self) -> None:
        self._rows.clear()

    async def _async_soft_close(self) -> None:
        return None

    def _record(self, outcome: _Outcome) -> None:
        self._description, self._rowcount, self._lastrowid, rows = outcome
        self._rows = collections.deque(rows)

    async def _in_thread(self, function: Any, *args: Any) -> None:
        connection = cast(aiosqlite.Connection, self._connection)
        async with self._adapt_connection._execute_mutex:
            self._record(await connection._execute(function, connection._conn, *args))  # type: ignore[no-untyped-call]

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        await self._in_thread(_run_one, operation, parameters)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        await self._in_thread(_run_many, operation, list(seq_of_parameters))


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneHopCursor


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The aiosqlite DBAPI shim, handing out connections whose cursors take one hop per statement."""

    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        adapted = super().connect(*arg, **kw)
        return OneHopConnection(self, adapted._connection)


def one_hop_dbapi() -> OneHopDBAPI:
    return OneHopDBAPI(aiosqlite, sqlite3)
