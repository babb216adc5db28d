"""The lesson database: a real SQLite database behind the cache, which counts every query it answers.

Lessons put Redis in front of it and measure what the cache saves; check cells assert on its counts and on
the order of its queries relative to the Redis commands a ``CommandSpy`` saw::

    db = LessonDB.create(seed=7)              # 10,000 products, 2,000 users, 5,000 orders
    db.get_product(42)                        # {'id': 42, 'sku': 'SKU-00042', 'name': ..., 'price': 17.99, ...}
    db.reads, db.read_counts["products"]      # 1, 1
    [str(step) for step in timeline(spy.commands, db.events)]
    # ['GET product:42', 'DB READ products id=42', 'SET product:42 {...} EX 3600']

    with db.slow(0.05):                       # every query takes 50 ms longer (a real sleep, outside the lock)
        ...
    with db.fail():                           # every query raises DatabaseUnavailable
        ...

Thread-safe: one in-memory connection (``check_same_thread=False``) guarded by a lock, so the stampede demos
can hit it from many threads. A slow query sleeps *before* taking the lock, so concurrent slow queries overlap
the way they would on a database server.
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

__all__ = ["DBEvent", "DatabaseUnavailable", "LessonDB", "timeline"]

_SCHEMA = """
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    country TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    sku TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    price REAL NOT NULL,
    stock INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    product_id INTEGER NOT NULL REFERENCES products(id),
    quantity INTEGER NOT NULL,
    total REAL NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX orders_by_user ON orders(user_id);
"""

_FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken", "Margaret", "Linus", "Frances", "Donald",
          "Radia", "Tim", "Karen", "John", "Hedy", "Dennis", "Sophie", "Guido", "Anita", "Niklaus"]  # fmt: skip
_LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Thompson", "Hamilton", "Torvalds", "Allen",
         "Knuth", "Perlman", "Berners-Lee", "Jones", "McCarthy", "Lamarr", "Ritchie", "Wilson", "Rossum"]  # fmt: skip
_COUNTRIES = ["GB", "US", "DE", "FR", "NL", "IN", "BR", "JP", "NG", "CA"]
_CATEGORIES = ["books", "kitchen", "garden", "toys", "audio", "office", "sport", "games"]
_ADJECTIVES = ["Compact", "Deluxe", "Eco", "Classic", "Smart", "Rugged", "Mini", "Pro", "Vintage", "Silent"]
_NOUNS = {
    "books": ["Novel", "Cookbook", "Atlas", "Anthology"],
    "kitchen": ["Kettle", "Pan", "Knife Set", "Grinder"],
    "garden": ["Hose", "Trowel", "Planter", "Lantern"],
    "toys": ["Puzzle", "Robot", "Kite", "Blocks"],
    "audio": ["Speaker", "Headphones", "Turntable", "Radio"],
    "office": ["Lamp", "Notebook", "Chair", "Stapler"],
    "sport": ["Racket", "Yoga Mat", "Bottle", "Ball"],
    "games": ["Board Game", "Card Deck", "Chess Set", "Dice Tower"],
}


class DatabaseUnavailable(RuntimeError):
    """The lesson database is down (``LessonDB.fail()`` is active): the query never ran."""


@dataclass(frozen=True)
class DBEvent:
    """One query the database was asked to run, in the order asked.

    ``kind`` is "read" or "write"; ``ok`` is False when it failed (``DatabaseUnavailable``). ``at`` is
    ``time.perf_counter_ns()`` when the query was asked for: the same clock as ``Command.at`` of the spy, so
    ``timeline()`` can interleave the two logs.
    """

    kind: str
    table: str
    sql: str
    params: tuple[Any, ...]
    ok: bool = True
    thread: str = ""
    at: int = field(default_factory=time.perf_counter_ns, compare=False, repr=False)

    @property
    def name(self) -> str:
        """The name, "DB READ" or "DB WRITE", comparable with ``Command.name`` in a merged timeline."""
        return f"DB {self.kind.upper()}"

    def __str__(self) -> str:
        shown = " ".join(f"{k}={v}" for k, v in _param_names(self.sql, self.params))
        return f"{self.name} {self.table} {shown}".strip() + ("" if self.ok else " (FAILED)")


def _param_names(sql: str, params: tuple[Any, ...]) -> list[tuple[str, Any]]:
    """Pair ``?`` placeholders with the column names before them (``id = ?`` → id), for readable logs."""
    if sql.lstrip().upper().startswith("INSERT"):
        columns = sql[sql.index("(") + 1 : sql.index(")")].replace(" ", "").split(",")
        return list(zip(columns, params, strict=False))
    names = []
    for chunk in sql.split("?")[:-1]:
        words = chunk.replace("=", " ").replace(",", " ").replace("(", " ").split()
        names.append(words[-1] if words else "?")
    return list(zip(names, params, strict=False))


def timeline(*logs: Iterable[Any]) -> list[Any]:
    """Merge the spy's commands and the database's events (anything with ``.at``) in the order they happened."""
    merged = [entry for log in logs for entry in log]
    return sorted(merged, key=lambda entry: entry.at)


class LessonDB:
    """A seeded SQLite database of users, products and orders that counts its reads and writes."""

    def __init__(self, connection: sqlite3.Connection, *, seed: int):
        self.seed = seed
        self._conn = connection
        self._conn.row_factory = sqlite3.Row
        self._lock = threading.RLock()  # guards the connection and the counters
        self._delay = 0.0
        self._failing: str | None = None
        self._events: list[DBEvent] = []
        self.read_counts: Counter[str] = Counter()
        self.write_counts: Counter[str] = Counter()
        self.failed = 0

    # -- building -------------------------------------------------------------------------------------
    @classmethod
    def create(cls, seed: int = 7, *, products: int = 10_000, users: int = 2_000, orders: int = 5_000) -> LessonDB:
        """A fresh in-memory database with deterministic rows: the same seed gives the same data."""
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        conn.executescript(_SCHEMA)
        rng = random.Random(seed)
        conn.executemany("INSERT INTO users VALUES (?, ?, ?, ?, ?)", _users(rng, users))
        product_rows = list(_products(rng, products))
        conn.executemany("INSERT INTO products VALUES (?, ?, ?, ?, ?, ?, ?)", product_rows)
        if users and products:
            prices = {row[0]: row[4] for row in product_rows}
            conn.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?)", _orders(rng, orders, users, prices))
        conn.commit()
        return cls(conn, seed=seed)

    # -- reads ----------------------------------------------------------------------------------------
    def get_user(self, user_id: int) -> dict[str, Any] | None:
        """The user row as a dict, or None when there is no such user."""
        return self._one("users", "SELECT id, name, email, country, created_at FROM users WHERE id = ?", user_id)

    def get_product(self, product_id: int) -> dict[str, Any] | None:
        """The product row as a dict, or None when there is no such product."""
        return self._one(
            "products",
            "SELECT id, sku, name, category, price, stock, updated_at FROM products WHERE id = ?",
            product_id,
        )

    def get_orders_for_user(self, user_id: int) -> list[dict[str, Any]]:
        """A user's orders, oldest first (one read, however many rows)."""
        rows = self._run(
            "read",
            "orders",
            "SELECT id, user_id, product_id, quantity, total, created_at FROM orders WHERE user_id = ? ORDER BY id",
            (user_id,),
        )
        return [dict(row) for row in rows]

    # -- writes ---------------------------------------------------------------------------------------
    def update_product_price(self, product_id: int, price: float) -> bool:
        """Set a product's price; True if the product exists."""
        changed = self._run(
            "write",
            "products",
            "UPDATE products SET price = ?, updated_at = ? WHERE id = ?",
            (round(float(price), 2), _now(), product_id),
        )
        return changed > 0

    def update_user(self, user_id: int, **fields: Any) -> bool:
        """Change some of a user's columns (name, email, country); True if the user exists."""
        allowed = {"name", "email", "country"}
        unknown = set(fields) - allowed
        if unknown or not fields:
            raise ValueError(f"update_user takes some of {sorted(allowed)}, got {sorted(fields)}")
        columns = sorted(fields)
        sql = f"UPDATE users SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?"
        return self._run("write", "users", sql, (*[fields[c] for c in columns], user_id)) > 0

    def create_user(self, name: str, email: str, country: str = "GB", *, user_id: int | None = None) -> int:
        """Insert a user (with the next free id unless ``user_id`` is given); returns its id."""
        with self._lock:
            if user_id is None:
                user_id = self._conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM users").fetchone()[0]
            self._run(
                "write",
                "users",
                "INSERT INTO users (id, name, email, country, created_at) VALUES (?, ?, ?, ?, ?)",
                (user_id, name, email, country, _now()),
            )
        return user_id

    def delete_user(self, user_id: int) -> bool:
        """Remove a user; True if there was one."""
        return self._run("write", "users", "DELETE FROM users WHERE id = ?", (user_id,)) > 0

    # -- counting -------------------------------------------------------------------------------------
    @property
    def reads(self) -> int:
        """Queries that read the database successfully, all tables together."""
        with self._lock:
            return sum(self.read_counts.values())

    @property
    def writes(self) -> int:
        """Queries that changed the database successfully, all tables together."""
        with self._lock:
            return sum(self.write_counts.values())

    @property
    def events(self) -> list[DBEvent]:
        """Every query asked for (failed ones too), in order."""
        with self._lock:
            return list(self._events)

    def reset_counts(self) -> None:
        """Forget the counts and the event log (the data stays)."""
        with self._lock:
            self.read_counts.clear()
            self.write_counts.clear()
            self.failed = 0
            self._events.clear()

    def count_rows(self, table: str) -> int:
        """How many rows a table holds (not counted as a read: for checks and demos)."""
        if table not in ("users", "products", "orders"):
            raise ValueError(f"no table {table!r}")
        with self._lock:
            return self._conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]

    def peek_product(self, product_id: int) -> dict[str, Any] | None:
        """The product row without counting a read: what the database holds, for checks."""
        with self._lock:
            row = self._conn.execute(
                "SELECT id, sku, name, category, price, stock, updated_at FROM products WHERE id = ?", (product_id,)
            ).fetchone()
        return dict(row) if row else None

    def peek_user(self, user_id: int) -> dict[str, Any] | None:
        """The user row without counting a read: what the database holds, for checks."""
        with self._lock:
            row = self._conn.execute(
                "SELECT id, name, email, country, created_at FROM users WHERE id = ?", (user_id,)
            ).fetchone()
        return dict(row) if row else None

    # -- faults ---------------------------------------------------------------------------------------
    @contextmanager
    def slow(self, seconds: float) -> Iterator[LessonDB]:
        """Every query inside the block takes ``seconds`` longer (a real sleep, so concurrent queries overlap)."""
        if seconds < 0:
            raise ValueError("seconds must be >= 0")
        with self._lock:
            before, self._delay = self._delay, seconds
        try:
            yield self
        finally:
            with self._lock:
                self._delay = before

    @contextmanager
    def fail(self, reason: str = "the database is down (simulated outage)") -> Iterator[LessonDB]:
        """Every query inside the block raises ``DatabaseUnavailable(reason)``; the database recovers after."""
        with self._lock:
            before, self._failing = self._failing, reason
        try:
            yield self
        finally:
            with self._lock:
                self._failing = before

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __repr__(self) -> str:
        return f"<LessonDB seed={self.seed} reads={self.reads} writes={self.writes}>"

    # -- the one way in ---------------------------------------------------------------------------------
    def _one(self, table: str, sql: str, key: Any) -> dict[str, Any] | None:
        rows = self._run("read", table, sql, (key,))
        return dict(rows[0]) if rows else None

    def _run(self, kind: str, table: str, sql: str, params: tuple[Any, ...]) -> Any:
        asked_at = time.perf_counter_ns()
        thread = threading.current_thread().name
        with self._lock:
            delay, failing = self._delay, self._failing
        if delay:
            time.sleep(delay)  # outside the lock: slow queries from many threads overlap, as on a server
        with self._lock:
            if failing is None:  # the block may have ended while we slept
                failing = self._failing
            if failing is not None:
                self.failed += 1
                self._events.append(DBEvent(kind, table, sql, params, False, thread, asked_at))
                raise DatabaseUnavailable(reason_text(failing, table))
            cursor = self._conn.execute(sql, params)
            if kind == "read":
                result: Any = cursor.fetchall()
                self.read_counts[table] += 1
            else:
                self._conn.commit()
                result = cursor.rowcount
                self.write_counts[table] += 1
            self._events.append(DBEvent(kind, table, sql, params, True, thread, asked_at))
            return result


def reason_text(reason: str, table: str) -> str:
    return f"{reason} (query on {table!r} not run)"


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _users(rng: random.Random, n: int) -> Iterator[tuple[Any, ...]]:
    for user_id in range(1, n + 1):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        email = f"{first}.{last}.{user_id}@example.com".lower()
        day = 1 + rng.randrange(28)
        month = 1 + rng.randrange(12)
        yield user_id, f"{first} {last}", email, rng.choice(_COUNTRIES), f"2024-{month:02d}-{day:02d}T09:00:00Z"


def _products(rng: random.Random, n: int) -> Iterator[tuple[Any, ...]]:
    for product_id in range(1, n + 1):
        category = rng.choice(_CATEGORIES)
        name = f"{rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS[category])}"
        price = round(rng.randrange(199, 50000) / 100, 2)
        yield product_id, f"SKU-{product_id:05d}", name, category, price, rng.randrange(0, 500), "2025-01-01T00:00:00Z"


def _orders(rng: random.Random, n: int, users: int, prices: dict[int, float]) -> Iterator[tuple[Any, ...]]:
    products = len(prices)
    for order_id in range(1, n + 1):
        product_id = 1 + rng.randrange(products)
        quantity = 1 + rng.randrange(4)
        day = 1 + rng.randrange(28)
        total = round(prices[product_id] * quantity, 2)
        yield order_id, 1 + rng.randrange(users), product_id, quantity, total, f"2025-03-{day:02d}T12:00:00Z"
