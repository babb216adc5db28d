"""The category invalidation probe: SCAN over a keyspace big enough to need several pages, and what it removed."""

from __future__ import annotations

from collections import Counter

from .. import checks
from .entries import decode

FILLER = 3000  # other applications' keys seeded before the probe: more than any sensible SCAN COUNT


class InvalidationProbe:
    """Part of ``ServiceCheck``: invalidate_category finds that category's cached products with SCAN, every page."""

    def _cached_products(self) -> dict[str, dict]:
        """Every cached product the service wrote (key → decoded value), read by the grader's plain client."""
        keys = [k for k in checks.written_keys(self.spy.commands) if self._reader().exists(k)]
        return {k: v for k in keys if isinstance(v := decode(self._reader().get(k)), dict) and "category" in v}

    def _probe_invalidation(self) -> None:
        """invalidate_category removes that category's cached products (found with SCAN) and nothing else."""
        for product_id in range(40, 80):
            self._call(self.service.get_product, product_id)
        before = self._cached_products()
        counts = Counter(v["category"] for v in before.values())
        if not counts:
            self.expect(
                False,
                "cmd-scan-not-keys",
                expected="cached products to invalidate",
                got="no cached product found in Redis",
            )
            return
        target = counts.most_common(1)[0][0]
        # only entries that outlive the probe can show what the service removed (a 0.6 s TTL is not its doing)
        lasting = {k for k in before if self._reader().pttl(k) > 30_000}
        filler = self._seed_filler()
        mark = len(self.spy.commands)
        try:
            _, error = self._call(self.service.invalidate_category, target)
        finally:  # even when the run is interrupted: the filler has no TTL
            gone = self._remove_filler(filler)
        sent = self.spy.commands[mark:]
        if error is not None:
            self._raised("cmd-scan-not-keys", f"invalidate_category({target!r})", error)
            return
        after = self._cached_products()
        left = [k for k, v in after.items() if v["category"] == target]
        others_before = sum(1 for k, v in before.items() if k in lasting and v["category"] != target)
        others_after = sum(1 for k, v in after.items() if k in lasting and v["category"] != target)
        ok = self.expect(
            not left,
            "cmd-scan-not-keys",
            expected=f"invalidate_category({target!r}) removes all {counts[target]} cached {target} products",
            got=f"{len(left)} still cached, e.g. `{left[0] if left else ''}`",
            hint="`for key in r.scan_iter(match='product:*', count=500):` read each entry and unlink "
            "the ones in that category.",
        )
        ok &= self.expect(
            others_after >= others_before - 1,
            "cmd-scan-not-keys",
            expected=f"the other categories' {others_before} cached products left alone",
            got=f"only {others_after} left: the whole cache was emptied",
            hint="Remove only the keys you found for that category; never FLUSHDB.",
        )
        ok &= self.expect(
            not gone,
            "cmd-scan-not-keys",
            expected="keys that are not cached products left alone",
            got=f"{gone} of the {len(filler)} other keys in the database (`{filler[0]}`…) deleted",
            hint="`match='product:*'`: walk only your own namespace, and delete only what you found there.",
        )
        scans = [c for c in sent if c.name == "SCAN"]
        ok &= self.expect(
            bool(scans),
            "cmd-scan-not-keys",
            expected="the category's keys found with SCAN",
            got="sent " + ", ".join(sorted({c.name for c in sent}) or ["nothing"]),
            hint="Iterate with `r.scan_iter(match='product:*', count=500)`: a page at a time.",
        )
        ok &= self.check(checks.scan_walk(sent, whole=True)) if scans else False
        if ok:
            self.saw(
                "cmd-scan-not-keys",
                f"invalidate_category({target!r}): {counts[target]} keys removed after "
                f"{len(scans)} SCAN page(s) among {len(filler):,} other keys, {others_after} others kept, no KEYS",
            )

    def _seed_filler(self) -> list[str]:
        """Other applications' keys, sorting before and after `product:` (fakeredis scans in sorted order), so
        the cached products are spread over several SCAN pages even at COUNT 1000."""
        keys = [f"{'cart' if i % 2 else 'session'}:capstone:{i}" for i in range(FILLER)]
        # One MSET (a pipeline of 3,000 SETs costs ~0.3 s on fakeredis at every grading run); no TTL, so the
        # probe removes the filler whatever the service does (see _probe_invalidation).
        self._reader().mset(dict.fromkeys(keys, "1"))
        return keys

    def _remove_filler(self, keys: list[str]) -> int:
        """Remove the filler; return how many of its keys were already gone (deleted by the service)."""
        reader, gone = self._reader(), 0
        for start in range(0, len(keys), 500):
            gone += len(keys[start : start + 500]) - reader.unlink(*keys[start : start + 500])
        return gone
