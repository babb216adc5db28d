"""Targeted probes of a learner's service: a cold and a warm read, a price update, corrupt cache entries."""

from __future__ import annotations

from .entries import decode, plain_json, price_of, product_key
from .workload import same_product

MIN_TTL = 60  # seconds: a product cached for less is gone before the next request for it


class ReadWriteProbes:
    """Part of ``ServiceCheck``: cache-aside, write-through and serialization probes on single products."""

    def _probe_cache_aside(self, product_id: int) -> str | None:
        """A cold read then a warm read of one product: GET → DB read → SET, then GET alone."""
        self._reader().unlink(f"product:{product_id}")
        row = self.db.peek_product(product_id)
        mark, events = len(self.spy.commands), len(self.db.events)
        first, error = self._call(self.service.get_product, product_id)
        if error is not None:
            self._raised("pattern-cache-aside", f"get_product({product_id})", error)
            return None
        sent, asked = self.spy.commands[mark:], self.db.events[events:]
        steps = [s.name for s in sorted([*sent, *asked], key=lambda s: s.at) if s.name in ("GET", "DB READ", "SET")]
        key = product_key(sent, row)
        order_ok = steps[:1] == ["GET"] and "DB READ" in steps and "SET" in steps[steps.index("DB READ") :]
        self.expect(
            order_ok,
            "pattern-cache-aside",
            expected="a cold read: GET the cache → read the database → SET the cache",
            got="sent: " + " → ".join(steps or ["nothing"]),
            hint="GET first; only on a miss call db.get_product(...), then write the answer back.",
        )
        self.expect(
            same_product(first, row),
            "pattern-cache-aside",
            expected=f"product {product_id} returned",
            got=repr(first)[:100],
        )
        mark, reads = len(self.spy.commands), self.db.read_counts["products"]
        second, error = self._call(self.service.get_product, product_id)
        if error is not None:
            self._raised("pattern-cache-aside", f"get_product({product_id})", error)
            return key
        warm = self.spy.commands[mark:]
        hit_ok = self.db.read_counts["products"] == reads and [c.name for c in warm][:1] == ["GET"]
        self.expect(
            hit_ok and same_product(second, row),
            "pattern-cache-aside",
            expected="a warm read: one GET, no database read",
            got=f"sent {[c.name for c in warm]}, {self.db.read_counts['products'] - reads} database read(s)",
            hint="Return the cached JSON on a hit; do not ask the database.",
        )
        ttl_ms = self._reader().pttl(key) if key else -2
        lasting = self.expect(
            not 0 <= ttl_ms < MIN_TTL * 1000,
            "pattern-cache-aside",
            expected=f"a cached product that stays cached long enough to be read again: a TTL of at least "
            f"{MIN_TTL} s (and at most an hour)",
            got=f"`{key}` written with a TTL of {ttl_ms} ms: it expires before the next read can hit it",
            hint="`ex=` counts seconds, `px=` milliseconds: `ex=600` is ten minutes, `px=600` is 0.6 s.",
        )
        if order_ok and hit_ok and lasting:
            self.saw("pattern-cache-aside", f"cold read GET → DB → SET `{key}`, warm read one GET")
        if key is None:
            self.expect(
                False,
                "client-serialization",
                expected=f"product {product_id} cached as JSON",
                got="no value written for it: " + "; ".join(str(c) for c in sent)[:120],
            )
            return None
        cached = self._reader().get(key)
        decoded = plain_json(cached)
        if self.expect(
            same_product(decoded, row),
            "client-serialization",
            expected=f"`{key}` readable by any client: `json.loads(value)` gives the product's fields",
            got=f"the cache holds {cached!r}"[:140],
            hint="Write `json.dumps(product)`; `str(product)` is Python's repr, unreadable elsewhere.",
        ):
            self.saw("client-serialization", f"`{key}` = JSON readable by a plain `json.loads`")
        return key

    def _probe_write_through(self) -> None:
        """Update a cached product: the cache holds the new price at once; a failed database write changes nothing."""
        product_id = 29
        self._call(self.service.get_product, product_id)
        price = round(self.db.peek_product(product_id)["price"] + 1.25, 2)
        mark = len(self.spy.commands)
        _, error = self._call(self.service.update_price, product_id, price)
        if error is not None:
            self._raised("pattern-write-through", f"updateprice_of({product_id}, {price})", error)
            return
        key = product_key(self.spy.commands[mark:], self.db.peek_product(product_id)) or f"product:{product_id}"
        cached = decode(self._reader().get(key))
        db_price = self.db.peek_product(product_id)["price"]
        ok = self.expect(
            db_price == price and price_of(cached) == price,
            "pattern-write-through",
            expected=f"update_price writes the database (price {price}) and the cache (`{key}` holds it)",
            got=f"database price {db_price}, cache: "
            + (
                "no entry (deleted: that is cache-aside invalidation, not write-through)"
                if cached is None
                else f"price {price_of(cached)}"
            ),
            hint="db.update_productprice_of(...), then `set(key, json.dumps(fresh_product), ex=ttl)`.",
        )
        after, error = self._call(self.service.get_product, product_id)
        ok &= self.expect(
            error is None and price_of(after) == price,
            "pattern-write-through",
            expected="the next read returns the new price",
            got=f"{type(error).__name__}: {error}" if error else f"{after!r}"[:100],
        )
        # the database refuses the write: the cache must not get the new price either
        other = 31
        self._call(self.service.get_product, other)
        old = self.db.peek_product(other)["price"]
        with self.db.fail("the database is down (injected by the grader)"):
            self._call(self.service.update_price, other, old + 10)
        cached = decode(self._reader().get(product_key(self.spy.commands, self.db.peek_product(other)) or ""))
        after, _ = self._call(self.service.get_product, other)
        ok &= self.expect(
            price_of(cached) != old + 10 and price_of(after) == old,
            "pattern-write-through",
            expected="when the database write fails, the cache keeps the old price (the database "
            "is the source of truth)",
            got=f"cache price {price_of(cached)}, get_product → {price_of(after)}, database {old}",
            hint="Write the database first; write the cache only once the database write succeeded.",
        )
        stale = sum(1 for r in self.results if r.op.kind == "update" and not r.op.fault)
        if ok:
            self.saw(
                "pattern-write-through",
                f"cache updated with the database on {stale + 1} price changes; no "
                "stale read; a failed database write left the cache alone",
            )

    def _probe_corrupt_entry(self, key: str | None) -> None:
        """A corrupt entry is a miss: reloaded from the database and overwritten."""
        if key is None:
            return
        product_id = 17
        row = self.db.peek_product(product_id)
        reader = self._reader()
        for bad in ('{"id": 17, "sku": "SKU-000', "{'id': 17, 'price': 0.0}"):
            reader.set(key, bad, ex=60)
            got, error = self._call(self.service.get_product, product_id)
            now = plain_json(reader.get(key))
            if not self.expect(
                error is None and same_product(got, row),
                "client-serialization",
                expected=f"a corrupt entry (`{bad}`) treated as a miss: product {product_id} returned",
                got=f"it raised {type(error).__name__}: {error}" if error else f"returned {got!r}"[:120],
                hint="Wrap json.loads in `try/except json.JSONDecodeError` and fall through to the database.",
            ):
                return
            if not self.expect(
                now is None or same_product(now, row),
                "client-serialization",
                expected=f"the corrupt `{key}` overwritten with valid JSON",
                got=f"it still holds {reader.get(key)!r}"[:120],
            ):
                return
        self.saw(
            "client-serialization",
            f"`{key}` = JSON readable by a plain `json.loads`; 2 corrupt entries treated as misses",
        )
        self.evidence["client-serialization"].reverse()
