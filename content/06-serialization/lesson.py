# %% [markdown] id="title"
# # Lesson 06 · Serialization
#
# **Goals.** Cache objects in one consistent, readable encoding (JSON), carry the types JSON lacks (datetimes, decimals, UUIDs, bytes) explicitly, version the format, and treat a corrupt or foreign entry as a miss instead of an outage.
#
# **Standards:** `client-serialization` (main), with `pattern-cache-aside` and `ttl-always` in the repairing reader.
#
# **Time:** about 40 minutes.

# %% setup
# Setup: run this cell first. It is locked: the check cells use the domain classes defined here.
import base64
import contextlib
import dataclasses
import json
import logging
import os
import pickle
import random
import tempfile
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import matplotlib.pyplot as plt
from hypothesis import HealthCheck, Phase, Verbosity, given, settings
from hypothesis import strategies as st

from autograder.lesson import (
    Exercise,
    Severity,
    checks,
    grading_spy,
    hints,
    lesson_backend,
    show_progress,
    start_lesson,
)

# hypothesis (the property-testing library the checks use) keeps a cache; keep it out of the lesson folder.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "kata-hypothesis"))
r = start_lesson()  # prints which Redis this notebook talks to; r is a client on it
rb = lesson_backend().client(decode_responses=False)  # bytes client: GET returns the stored bytes untouched

@dataclass
class Item:
    sku: str
    quantity: int
    unit_price: Decimal

@dataclass
class Order:
    id: uuid.UUID
    customer: str
    placed_at: datetime  # always timezone-aware
    total: Decimal
    items: list[Item]
    signature: bytes  # the payment provider's signature over the order

def make_order(rng, n_items=None):
    """A plausible order, reproducible from the random generator passed in."""
    n_items = rng.randint(1, 8) if n_items is None else n_items
    items = [Item(f"sku-{rng.randint(100, 999)}", rng.randint(1, 5), Decimal(rng.randint(99, 9999)).scaleb(-2))
             for _ in range(n_items)]
    return Order(
        id=uuid.UUID(int=rng.getrandbits(128), version=4),
        customer=rng.choice(["ada", "grace", "linus", "zoë", "José"]),
        placed_at=datetime(2024, 5, 1, 12, 30, tzinfo=UTC) + timedelta(seconds=rng.randint(0, 10**7),
                                                                       microseconds=rng.randint(0, 999_999)),
        total=sum((i.unit_price * i.quantity for i in items), Decimal("0.00")),
        items=items,
        signature=rng.randbytes(32),
    )

SAMPLE = make_order(random.Random(6), n_items=2)
print(SAMPLE)

# %% [markdown] id="why"
# ## Why: one order, three encodings, two readers
#
# Three services share the cache. Each team wrote "cache the order" the way that came to mind first:
#
# 1. `str(order)`: "it's just text";
# 2. `pickle.dumps(order)`: "Python can read it back exactly";
# 3. `json.dumps(dataclasses.asdict(order), default=str)`: "JSON, and `default=str` makes the error go away".
#
# A second service, written by the shipping team in another codebase, was told "orders are cached as JSON" and reads them the plain way: `json.loads`, then the fields it needs. Below, each encoding is written to Redis and read back by (a) our own team through a text client, and (b) the shipping service.

# %% locked="why-shipping"
def shipping_service(raw):
    """The shipping team's reader (another codebase): plain JSON, ISO dates, base64 bytes."""
    doc = json.loads(raw)
    return {
        "order": uuid.UUID(doc["id"]),
        "ship_by": datetime.fromisoformat(doc["placed_at"]) + timedelta(days=2),
        "signature": base64.b64decode(doc["signature"], validate=True),
    }


# %% id="why-demo"
ways = {
    "str()": str(SAMPLE),
    "pickle": pickle.dumps(SAMPLE),
    "json default=str": json.dumps(dataclasses.asdict(SAMPLE), default=str),
}
outcomes = {}
for name, encoded in ways.items():
    key = f"order:{SAMPLE.id}:{name.split()[0].strip('()')}"
    r.set(key, encoded, ex=600)
    try:
        own = f"GET ok ({len(r.get(key))} chars)"
    except Exception as error:  # what a text client (decode_responses=True) does with the bytes
        own = f"GET raised {type(error).__name__}"
    try:
        shipping_service(rb.get(key))
        theirs = "read ok"
    except Exception as error:
        theirs = f"{type(error).__module__}.{type(error).__name__}: {error}".removeprefix("builtins.")[:70]
    outcomes[name] = (own, theirs)
    r.delete(key)
    print(f"{name:>17} │ our text client: {own:<31} │ shipping service: {theirs}")
print(f"(measured on {lesson_backend().name})")

# %% [markdown] id="why-text"
# Read the table row by row:
#
# - **`str()`** is not a format: it is `repr` text that nothing can parse back (not even our own code, without `eval`, which is worse than pickle).
# - **pickle** bytes are not even valid UTF-8: our own *text* client fails inside `GET` with `UnicodeDecodeError`, and no non-Python service can read them.
# - **`default=str`** looks like JSON and *mostly* is, which is the dangerous case: the bytes field became the text `"b'\\x..'"` (Python's repr of bytes), so the shipping team gets garbage or an error depending on how strict their base64 decoder is. Datetimes became `"2024-05-01 12:30:00+00:00"` (a space, not ISO's `T`) and decimals became strings only by accident.
#
# The outcome is the same on fakeredis and on a real server: Redis stores bytes and never looks inside. It is the *readers* that disagree.

# %% [markdown] id="why-pickle"
# ### Pickle from a cache runs code
#
# `pickle.loads` does not just read data: a pickle can name *any* function to call while it loads. Whoever can write to the cache (a compromised service, a debugging script, an attacker who reached an open Redis, see `security-auth`) can run code in every service that unpickles from it. The payload below calls a harmless function that records that it ran; a real attacker would call `os.system`.

# %% id="why-pickle-demo"
ran = []


def record_ran(message):
    ran.append(message)
    return "whatever the attacker wanted to return"


class Payload:
    def __reduce__(self):  # pickle calls record_ran(...) while loading
        return record_ran, ("code chosen by whoever wrote this cache entry ran inside pickle.loads",)


rb.set(f"order:{SAMPLE.id}:snapshot", pickle.dumps(Payload()), ex=60)
loaded = pickle.loads(rb.get(f"order:{SAMPLE.id}:snapshot"))  # what a "pickle cache" does on every hit
rb.delete(f"order:{SAMPLE.id}:snapshot")
print("pickle.loads returned:", repr(loaded))
print("side effects recorded:", ran)


# %% [markdown] id="why-versions"
# Pickle also ties entries to one version of your code. Rename or move a class in the next release and every entry written by the previous release stops loading, while both releases run side by side during the deploy:

# %% id="why-versions-demo"
@dataclass
class LegacyOrder:
    id: str
    total: str


old_entry = pickle.dumps(LegacyOrder("o-1", "12.50"))
del LegacyOrder  # the next release renamed the class
try:
    pickle.loads(old_entry)
except AttributeError as error:
    print("the new release cannot read the old entry:", error)


# %% [markdown] id="how"
# ## How: one codec, JSON, with explicit types
#
# JSON is text, every language reads it, and `json.loads` cannot run code. What it lacks are types: it has strings, numbers, booleans, null, lists and objects, nothing else. So the codec must say how each richer type travels, and both ends must agree:
#
# | Python type | as JSON | why not the obvious shortcut |
# |---|---|---|
# | `datetime` (timezone-aware) | ISO 8601 string, `"2024-05-01T12:30:00+00:00"` | a float timestamp loses microseconds beyond the year 2242 (a "valid until 9999-12-31" sentinel, say), and JavaScript reads it in milliseconds; a naive datetime loses the zone (both shown below) |
# | `Decimal` (money) | string, `"12.50"` | a JSON number becomes a float: `0.1 + 0.2`, and `12.50` comes back as `12.5` |
# | `UUID` | string, `"7f3c…"` | |
# | `bytes` | base64 string | `default=str` writes the repr `"b'...'"`; raw bytes are not valid JSON text |
#
# %% id="datetime-harm"
# Two shortcuts, measured. A naive datetime travels without its zone: every reader assumes its own.
naive_text = datetime(2024, 5, 1, 12, 30).isoformat()  # written by a server whose clock reads local time
readers = {"London (BST, +1)": timezone(timedelta(hours=1)), "New York (EDT, -4)": timezone(timedelta(hours=-4)),
           "Tokyo (JST, +9)": timezone(timedelta(hours=9))}  # fmt: skip
print(f"the cache holds {naive_text!r}: no offset")
for city, zone in readers.items():
    instant = datetime.fromisoformat(naive_text).replace(tzinfo=zone).astimezone(UTC)
    print(f"  a reader in {city:<20} takes it for {instant:%Y-%m-%d %H:%M} UTC")

# A float timestamp has 53 bits: past 2**33 seconds (the year 2242) its step is wider than a microsecond.
sentinel = datetime(9999, 12, 31, 23, 59, 59, 123457, tzinfo=UTC)  # "valid until forever" (.999999 rounds past 9999)
for when in (datetime(2024, 5, 1, 12, 30, 0, 123457, tzinfo=UTC), sentinel):
    back = datetime.fromtimestamp(when.timestamp(), UTC)
    print(f"{when.isoformat()} → timestamp {when.timestamp()!r} → {back.isoformat()}"
          + ("  (exact)" if back == when else f"  ({(back - when).total_seconds() * 1e6:+.0f} µs)"))

# %% [markdown] id="rich-types-how"
# There are two ways to tell the reader which string is which:
#
# - **Schema**: the format is published per object (*"`placed_at` is an ISO 8601 string"*), and the decoder builds the object field by field. Other teams read it with plain `json.loads`. This is what the exercises use.
# - **Tagged values**: each special value is wrapped with its type, `{"$decimal": "12.50"}`, so one generic encoder handles every object. Convenient inside one codebase; every other reader must know the tags.
#
# Here is a tagged codec, to see the idea and to measure sizes with:

# %% id="how-tagged"
def tagged_default(value):
    """json.dumps calls this for any value JSON has no type for."""
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, uuid.UUID):
        return {"$uuid": str(value)}
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    raise TypeError(f"no JSON encoding for {type(value).__name__}")  # never fall back to str()


TAG_READERS = {"$datetime": datetime.fromisoformat, "$decimal": Decimal, "$uuid": uuid.UUID,
               "$bytes": lambda text: base64.b64decode(text, validate=True)}


def tagged_hook(obj):
    """json.loads calls this for every JSON object; single-key tagged objects become typed values."""
    if len(obj) == 1:
        [(tag, text)] = obj.items()
        if tag in TAG_READERS:
            return TAG_READERS[tag](text)
    return obj


doc = dataclasses.asdict(SAMPLE)
text = json.dumps(doc, default=tagged_default, indent=2, ensure_ascii=False)
print(text)
print("round trip equal:", json.loads(text, object_hook=tagged_hook) == doc)

# %% [markdown] id="size"
# ### Compact or readable? Measure the size cost
#
# `json.dumps` has three common layouts: compact `separators=(",", ":")`, the default (`", "` and `": "`), and `indent=2` for humans. Every byte is stored in Redis's memory and sent over the network on every hit. Below, 300 generated orders are encoded each way (plus pickle, for reference), written to Redis, and their sizes read back with `STRLEN`.

# %% id="size-demo"
rng = random.Random(2024)
orders = [make_order(rng) for _ in range(300)]
layouts = {
    "compact": {"separators": (",", ":")},
    "default": {},
    "indent=2": {"indent": 2},
}


def encode_tagged(order, **layout):
    return json.dumps(dataclasses.asdict(order), default=tagged_default, ensure_ascii=False, **layout)


sizes = {}
for name, layout in [*layouts.items(), ("pickle", None)]:
    pipe = rb.pipeline(transaction=False)
    for n, order in enumerate(orders):
        value = pickle.dumps(order) if layout is None else encode_tagged(order, **layout)
        pipe.set(f"sizedemo:{name}:{n}", value, ex=600)
    pipe.execute()
    pipe = rb.pipeline(transaction=False)
    for n in range(len(orders)):
        pipe.strlen(f"sizedemo:{name}:{n}")
    sizes[name] = pipe.execute()

for name, values in sizes.items():
    print(f"{name:>9}: {sum(values) / len(values):7.1f} bytes per order on average, "
          f"{sum(values) / 1024:6.1f} KiB for {len(values)} orders "
          f"({sum(values) / sum(sizes['compact']):.2f}× compact)")
if lesson_backend().is_real:
    usage = {name: sum(r.memory_usage(f"sizedemo:{name}:{n}") for n in range(50)) / 50 for name in sizes}
    print("MEMORY USAGE per key on this real server (first 50 orders, value + key + overhead): "
          + ", ".join(f"{name} {b:.0f} B" for name, b in usage.items()))
else:
    print("(fakeredis has no MEMORY USAGE; on a real server this cell also prints Redis's own per-key cost)")
print(f"(STRLEN measured on {lesson_backend().name}: value sizes are the same on any Redis)")

# %% id="size-plot"
items_per_order = [len(o.items) for o in orders]
fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.2))
names = list(sizes)
left.bar(names, [sum(sizes[n]) / len(sizes[n]) for n in names], color=["C2", "C0", "C1", "C3"])
left.set_ylabel("bytes per order (mean)")
left.set_title(f"Mean size of {len(orders)} orders")
left.set_xlabel("layout")
for name, marker in (("compact", "o"), ("indent=2", "s")):
    by_count = {}
    for count, size in zip(items_per_order, sizes[name], strict=True):
        by_count.setdefault(count, []).append(size)
    xs = sorted(by_count)
    right.plot(xs, [sum(by_count[x]) / len(by_count[x]) for x in xs], marker + "-", label=name)
right.set_xlabel("items in the order")
right.set_ylabel("bytes per order (mean)")
right.set_title("Size grows with the items")
right.legend()
fig.tight_layout()
plt.show()

# %% id="size-cleanup"
for name in sizes:
    rb.delete(*[f"sizedemo:{name}:{n}" for n in range(len(orders))])


# %% [markdown] id="size-text"
# Indentation is whitespace per nesting level per line: it costs most on exactly the objects with many small nested items. Cache the **compact** form; pretty-print when a human looks (`json.dumps(json.loads(raw), indent=2)` in a debugging script, or `redis-cli --raw GET key | python -m json.tool`; `redis-cli` itself never re-indents JSON). Pickle comes out about the same size as compact JSON (the ratio above), so it buys nothing here; and the tags themselves (`{"$decimal": ...}`) are a cost the schema form of the exercises does not pay.

# %% [markdown] id="how-schema"
# ## Worked example: a schema codec for customers
#
# The codec below is the pattern to copy. One module owns the format; everything that writes or reads the cache goes through `encode_customer` / `decode_customer`; and the decoder turns *any* problem with an entry (not JSON, wrong shape, bad field) into one exception, `CorruptEntry`, so a reader has exactly one thing to catch. The check cells use this codec, so the cell is locked.

# %% locked="how-codec"
@dataclass
class Customer:
    id: uuid.UUID
    name: str
    joined_at: datetime
    credit: Decimal
    avatar: bytes


class CorruptEntry(ValueError):
    """A cache entry this codec cannot read: treat it as a miss."""


def encode_customer(customer):
    doc = {
        "id": str(customer.id),
        "name": customer.name,
        "joined_at": customer.joined_at.isoformat(),
        "credit": str(customer.credit),
        "avatar": base64.b64encode(customer.avatar).decode("ascii"),
    }
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def decode_customer(raw):
    """raw: str or bytes, as GET returns it. Raises CorruptEntry for anything that is not a customer."""
    try:
        doc = json.loads(raw)
        if not isinstance(doc["name"], str):
            raise TypeError("name is not a string")
        return Customer(
            id=uuid.UUID(doc["id"]),
            name=doc["name"],
            joined_at=datetime.fromisoformat(doc["joined_at"]),
            credit=Decimal(doc["credit"]),
            avatar=base64.b64decode(doc["avatar"], validate=True),
        )
    except (ValueError, KeyError, TypeError, AttributeError, ArithmeticError) as error:
        raise CorruptEntry(f"not a customer entry: {type(error).__name__}: {error}") from error


ADA = Customer(uuid.UUID("6a1f3c2e-0b9d-4e57-9a41-2f8c5d7e9b10"), "Ada Lovelace",
               datetime(2024, 1, 15, 9, 0, 12, 345678, tzinfo=UTC), Decimal("12.50"), b"\x89PNG\r\n\x1a\n")
encoded = encode_customer(ADA)
print(encoded)
print("round trip:", decode_customer(encoded) == ADA, "· from bytes:", decode_customer(encoded.encode()) == ADA)


# %% [markdown] id="bad-good"
# ### Bad beside good: what a reader does with a bad entry
#
# Sooner or later the cache holds something your decoder cannot read: an entry from last year's format, a pickle from a service nobody has migrated, a value a debugging session typed by hand, a truncated write. The bad reader below lets the decode error escape:

# %% id="bad-reader"
def bad_read_customer(r, key, load):
    raw = r.get(key)
    if raw is not None:
        return decode_customer(raw)  # a bad entry raises here, on every request, until it expires
    customer = load()
    r.set(key, encode_customer(customer), ex=300)
    return customer


rb.set(f"customer:{ADA.id}:profile", b'{"id": "6a1f3c2e", "name": "Ada', ex=3600)  # a truncated entry
failures = 0
for _ in range(5):
    try:
        bad_read_customer(rb, f"customer:{ADA.id}:profile", lambda: ADA)
    except CorruptEntry:
        failures += 1
print(f"{failures} of 5 requests failed; the bad entry stays for {rb.ttl(f'customer:{ADA.id}:profile')} s more")
rb.delete(f"customer:{ADA.id}:profile")


# %% [markdown] id="bad-good-text"
# One bad entry turned into an outage for that customer, lasting as long as the entry's TTL (forever, without one). The good reader treats an entry it cannot decode **exactly like a miss**:
#
# 1. `GET`; if it decodes, return it (a hit);
# 2. if the entry is missing **or** raises `CorruptEntry`: read the source of truth once, write the good value back **with a TTL** (overwriting the bad one), return it.
# 3. Never fall back to `pickle.loads` "for old entries": that reopens the door the JSON codec closed. Log the bad entry (to see how often it happens) and move on.
#
# You will write it in Exercise 2. First, the codec for orders.

# %% [markdown] id="ex1-task"
# ## Exercise 1 · An order codec that round-trips
#
# **Goal:** encode and decode an `Order` (from the setup cell) as compact JSON in the format the shipping team reads.
#
# Write `encode_order(order) -> str` and `decode_order(raw) -> Order` (`raw` is `str` or `bytes`, as `GET` returns it). The published format, one JSON object:
#
# ```json
# {"id": "<uuid>", "customer": "zoë", "placed_at": "<ISO 8601 with its UTC offset>", "total": "25.48",
#  "items": [{"sku": "sku-123", "quantity": 2, "unit_price": "12.74"}], "signature": "<base64>"}
# ```
#
# - `decode_order(encode_order(o)) == o` for **every** order, and each `Decimal` keeps its exact digits (`Decimal("12.50")` comes back as `Decimal("12.50")`, not `12.5`);
# - compact separators (`separators=(",", ":")`); `ensure_ascii` is your choice.
#
# The check is a **property-based test**: [hypothesis](https://hypothesis.readthedocs.io) generates a few hundred orders (odd names with quotes and emoji, microsecond timestamps in several time zones, huge totals, empty signatures...) and reports the first one your codec gets wrong (generated orders start small and grow). Every encoded order must follow the published format above, and the shipping team's `shipping_service` from the demo must read it.

# %% answer="l06-order-codec"
def encode_order(order):
    ### BEGIN SOLUTION
    doc = {
        "id": str(order.id),
        "customer": order.customer,
        "placed_at": order.placed_at.isoformat(),
        "total": str(order.total),
        "items": [{"sku": i.sku, "quantity": i.quantity, "unit_price": str(i.unit_price)} for i in order.items],
        "signature": base64.b64encode(order.signature).decode("ascii"),
    }
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)
    ### END SOLUTION


def decode_order(raw):
    ### BEGIN SOLUTION
    doc = json.loads(raw)
    return Order(
        id=uuid.UUID(doc["id"]),
        customer=doc["customer"],
        placed_at=datetime.fromisoformat(doc["placed_at"]),
        total=Decimal(doc["total"]),
        items=[Item(i["sku"], i["quantity"], Decimal(i["unit_price"])) for i in doc["items"]],
        signature=base64.b64decode(doc["signature"], validate=True),
    )
    ### END SOLUTION


# %% check
encoded = ex.call(encode_order, SAMPLE)
ex.expect(isinstance(encoded, str), "client-serialization", expected="JSON text (a str)", got=type(encoded).__name__,
          hint="json.dumps returns a str; pickle.dumps returns bytes starting with b'\\x80'.")
if not isinstance(encoded, str):
    ex.verdict()
try:
    doc, parse_error = json.loads(encoded), None
except ValueError as error:
    doc, parse_error = None, error
ex.expect(parse_error is None and isinstance(doc, dict), "client-serialization",
          expected="text that json.loads parses into a JSON object", got=f"{encoded[:60]!r}… ({parse_error})")
if doc is None:
    ex.verdict()


def money_digits(order):
    return [str(order.total)] + [str(i.unit_price) for i in order.items]


def same_order(a, b):
    """Equal, and every Decimal with the same digits (12.50 stays 12.50)."""
    return isinstance(a, Order) and a == b and money_digits(a) == money_digits(b)


TEXT = st.text(alphabet="abz AZ09-_.'\"\\/\n\téßñ日本語🙂", max_size=12)
MONEY = st.decimals(min_value=0, max_value=10**16, places=2)
ZONES = st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))])
ORDERS = st.builds(
    Order,
    id=st.uuids(),
    customer=TEXT,
    placed_at=st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=ZONES),
    total=MONEY,
    items=st.lists(st.builds(Item, sku=TEXT, quantity=st.integers(1, 1000), unit_price=MONEY), max_size=4),
    signature=st.binary(max_size=40),
)
falsified = {}


def format_problems(encoded):
    """How `encoded` departs from the published format (types of every field), or [] when it follows it."""
    try:
        doc = json.loads(encoded)
    except (TypeError, ValueError) as error:
        return [f"not JSON ({error})"]
    if not isinstance(doc, dict):
        return [f"a JSON {type(doc).__name__}, not an object"]
    fields = ("id", "customer", "placed_at", "total", "items", "signature")
    problems = [f"`{k}` missing" for k in fields if k not in doc]
    for name in ("id", "customer", "placed_at", "total", "signature"):
        if name in doc and not isinstance(doc[name], str):
            problems.append(f"`{name}` is a JSON {type(doc[name]).__name__}, not a string")
    with contextlib.suppress(TypeError, ValueError):
        if isinstance(doc.get("placed_at"), str) and datetime.fromisoformat(doc["placed_at"]).tzinfo is None:
            problems.append("`placed_at` has no UTC offset")
    with contextlib.suppress(TypeError, ValueError):
        if isinstance(doc.get("signature"), str):
            base64.b64decode(doc["signature"], validate=True)
    if isinstance(doc.get("signature"), str) and not all(c.isalnum() or c in "+/=" for c in doc["signature"]):
        problems.append("`signature` is not standard base64 (its alphabet is A-Z a-z 0-9 + /)")
    items = doc.get("items")
    if "items" in doc and not isinstance(items, list):
        problems.append(f"`items` is a JSON {type(items).__name__}, not a list")
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            problems.append(f"an item is a JSON {type(item).__name__}, not an object")
            break
        wrong = [f"`items[].{k}`" for k, kind in (("sku", str), ("quantity", int), ("unit_price", str))
                 if not isinstance(item.get(k), kind) or isinstance(item.get(k), bool)]
        if wrong:
            problems.append(f"{', '.join(wrong)} not of the published type (sku and unit_price strings, "
                            "quantity a JSON integer)")
            break
    return problems


def shipping_reads(encoded, order):
    """Whether the shipping team's reader gets the order's id, date and signature from `encoded`."""
    try:
        shipped = shipping_service(encoded)
    except Exception as error:  # noqa: BLE001 - reported by the caller
        return f"shipping_service raised {type(error).__name__}: {error}"
    if (shipped["order"], shipped["signature"], shipped["ship_by"]) != (
            order.id, order.signature, order.placed_at + timedelta(days=2)):  # fmt: skip
        return f"shipping_service read {shipped}"
    return None


@settings(max_examples=200, deadline=None, database=None, derandomize=True, verbosity=Verbosity.quiet,
          suppress_health_check=list(HealthCheck), phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(ORDERS)
def round_trip(order):
    try:
        text = encode_order(order)
        back = decode_order(text)
    except Exception as error:
        falsified.update(order=order, got=f"raised {type(error).__name__}: {error}")
        raise
    if not same_order(back, order):
        changed = [f.name for f in dataclasses.fields(Order)
                   if repr(getattr(back, f.name, None)) != repr(getattr(order, f.name))]
        falsified.update(order=order, got=f"fields changed: {', '.join(changed)}; decoded {back!r}")
        raise AssertionError("round trip changed the order")
    problems = format_problems(text) or [p for p in [shipping_reads(text, order)] if p]
    if problems:
        falsified.update(order=order, got=f"not the published format: {'; '.join(problems)}; encoded {text!r}")
        raise AssertionError("not the published format")


with contextlib.suppress(Exception):
    round_trip()  # records the first failing order in `falsified` (no shrinking: a check cell stays fast)
ex.expect(not falsified, "client-serialization",
          expected="decode_order(encode_order(o)) == o, decimals digit for digit, in the published format that "
          "shipping_service reads, for every generated order",
          got=f"falsifying example: {falsified.get('order')!r} → {falsified.get('got', '')[:300]}",
          hint="Compare the falsifying example with what came back: which field changed?")
problem = shipping_reads(encoded, SAMPLE)
ex.expect(not problem, "client-serialization",
          expected="the shipping team's plain-JSON reader gets id, date and signature",
          got=problem or "", hint="Follow the published format: ISO 8601 dates, base64 bytes.")
spy = grading_spy("order:*")
client = spy.client(decode_responses=False)
client.set(f"order:{SAMPLE.id}", encoded, ex=60)
stored = client.get(f"order:{SAMPLE.id}")
from_cache = ex.call(decode_order, stored)
ex.expect(same_order(from_cache, SAMPLE), "client-serialization",
          expected="decode_order reads the bytes a GET returns", got=repr(from_cache)[:200])
compact = max(len(json.dumps(doc, separators=(",", ":"), ensure_ascii=a).encode()) for a in (True, False))
ex.expect(len(encoded.encode()) <= compact, "client-serialization",
          expected=f"compact JSON (at most {compact} bytes for the sample)", got=f"{len(encoded.encode())} bytes",
          hint='json.dumps(doc, separators=(",", ":")) drops the spaces after commas and colons.')
### BEGIN HIDDEN TESTS
ex.expect(not encoded.startswith("\x80") and "pickle" not in encoded.lower(), "client-serialization",
          expected="JSON text, not a pickle", got=repr(encoded[:40]))
unpickled = []


def grader_canary(note):
    unpickled.append(note)
    return SAMPLE


canary = type("LegacyOrder", (), {"__reduce__": lambda self: (grader_canary, ("ran",))})()
with contextlib.suppress(Exception):
    decode_order(pickle.dumps(canary))  # an entry an old service pickled: decoding may fail, never run code
ex.expect(not unpickled, "client-serialization", expected="decode_order never unpickles what it is given",
          got="pickle.loads ran code from the entry", hint="Read JSON only; anything else is not an order.")
other_team = make_order(random.Random(99), n_items=3)
published = json.dumps({
    "signature": base64.b64encode(other_team.signature).decode(), "total": str(other_team.total),
    "items": [{"unit_price": str(i.unit_price), "quantity": i.quantity, "sku": i.sku} for i in other_team.items],
    "placed_at": other_team.placed_at.isoformat(), "customer": other_team.customer, "id": str(other_team.id),
}, indent=2)
try:
    theirs, their_error = decode_order(published), None
except Exception as error:
    theirs, their_error = None, f"{type(error).__name__}: {error}"
ex.expect(same_order(theirs, other_team), "client-serialization",
          expected="decode_order reads any document in the published format (written by another service)",
          got=their_error or repr(theirs)[:200], hint="Read fields by name from the published format.")
problems = format_problems(encoded)
ex.expect(not problems, "client-serialization", expected="the sample order in the published format",
          got="; ".join(problems)[:200])
### END HIDDEN TESTS
ex.verdict()


# %% hints

# %% [markdown] id="ex2-task"
# ## Exercise 2 · A reader that repairs bad entries
#
# **Goal:** a cache-aside read where a corrupt or foreign entry is a miss, not an error.
#
# Write `get_or_repair(r, key, load, encode, decode, ttl=300)`:
#
# - `r` is a **bytes** client (`decode_responses=False`); `load()` reads the source of truth; `encode` / `decode` are a codec like `encode_customer` / `decode_customer`, whose `decode` raises `CorruptEntry` for anything it cannot read;
# - a hit that decodes: return it, without calling `load`;
# - a missing key **or** an entry that does not decode: call `load()` **once**, write `encode(value)` back with a TTL of `ttl` seconds (this overwrites the bad entry), return the value;
# - no exception escapes for a bad entry, and nothing is ever unpickled.
#
# (An entry of another Redis *type*, say a hash another service wrote at the key, makes `GET` itself fail with `WRONGTYPE`: that is not part of this exercise.)
#
# ```python
# >>> rb.set("customer:42:profile", b"\x80\x04garbage", ex=600)
# >>> get_or_repair(rb, "customer:42:profile", lambda: ADA, encode_customer, decode_customer) == ADA
# True
# >>> decode_customer(rb.get("customer:42:profile")) == ADA
# True
# ```

# %% answer="l06-repair-reader"
def get_or_repair(r, key, load, encode, decode, ttl=300):
    ### BEGIN SOLUTION
    raw = r.get(key)
    if raw is not None:
        try:
            return decode(raw)
        except CorruptEntry as error:
            logging.getLogger("cache").warning("%s unreadable, treated as a miss: %.60s", key, error)
    value = load()
    r.set(key, encode(value), ex=ttl)
    return value
    ### END SOLUTION


# %% check
spy = grading_spy("customer:*")
client = spy.client(decode_responses=False)  # the learner's client; the check reads through `plain`
plain = spy.backend.client(decode_responses=False)
loads = []


def load_ada():
    loads.append(1)
    return ADA


good = encode_customer(ADA).encode()
bad_entries = {
    "corrupt bytes": b"\xff\xfe\x00\x13 not json at all",
    "truncated JSON": good[: len(good) // 2],
    "wrong-shape JSON": b'{"id": 5, "name": ["Ada"]}',
}


def stored_at(key):
    """The bytes at `key` (None when missing or of another type: a check never raises)."""
    return plain.get(key) if plain.type(key) in (b"string", "string") else None


def expect_repaired(label, bad, ttl=300):
    key = f"customer:{ADA.id}:profile"
    plain.set(key, bad, ex=3600)
    loads.clear()
    got = ex.call(get_or_repair, client, key, load_ada, encode_customer, decode_customer, ttl)
    ex.expect(got == ADA, "client-serialization", expected=f"with a {label} entry: the source's customer returned",
              got=repr(got)[:120], hint="An entry that raises CorruptEntry is a miss: load from the source.")
    ex.expect(len(loads) == 1, "pattern-cache-aside", expected=f"the source read once for the {label} miss",
              got=f"{len(loads)} source read(s)")
    stored = stored_at(key)
    try:
        repaired = stored is not None and decode_customer(stored) == ADA
    except CorruptEntry:
        repaired = False
    ex.expect(repaired, "client-serialization", expected=f"the {label} entry overwritten by the good value",
              got=f"{stored[:40]!r} at the key" if stored is not None else "nothing at the key",
              hint="Write encode(value) back over the bad entry.")
    if repaired:
        ex.check(checks.ttl_close(plain, key, ttl))


for label, bad in bad_entries.items():
    expect_repaired(label, bad)
### BEGIN HIDDEN TESTS
unpickled = []


def grader_canary(note):
    unpickled.append(note)
    return ADA


foreign_entry = type("ForeignEntry", (), {"__reduce__": lambda self: (grader_canary, ("ran",))})()
expect_repaired("foreign pickle", pickle.dumps(foreign_entry), ttl=137)
ex.expect(not unpickled, "client-serialization", expected="nothing unpickled from the cache",
          got="pickle.loads ran code from a cache entry", hint="Never fall back to pickle for entries you can't read.")
expect_repaired("JSON list", b"[1, 2, 3]", ttl=61)
key = f"customer:{ADA.id}:profile"
plain.delete(key)
loads.clear()
got = ex.call(get_or_repair, client, key, load_ada, encode_customer, decode_customer, 97)
ex.expect(got == ADA and len(loads) == 1, "pattern-cache-aside",
          expected="a plain miss: the source read once", got=f"{len(loads)} source read(s), returned {got!r:.60}")
ex.check(checks.ttl_close(plain, key, 97))
loads.clear()
mark = len(spy.commands)
got = ex.call(get_or_repair, client, key, load_ada, encode_customer, decode_customer, 97)
ex.expect(got == ADA and not loads, "pattern-cache-aside", expected="a good entry is a hit: no source read",
          got=f"{len(loads)} source read(s)")
ex.expect(not checks.written_keys(spy.commands[mark:]), "pattern-cache-aside", expected="no write on a hit",
          got=f"commands: {[str(c)[:40] for c in spy.commands[mark:]][:3]}")
### END HIDDEN TESTS
ex.verdict()


# %% hints

# %% [markdown] id="envelope"
# ## Versions: put a marker in every entry
#
# Formats change: a field is added, a unit changes, money moves from integer cents to decimal strings. The cache still holds entries in the old format, and during a rolling deploy the old release is still running and reads entries the new release writes. Wrap every entry in an **envelope** with a version number:
#
# ```json
# {"v": 2, "data": {"sku": "tea", "amount": "12.75", "currency": "EUR"}}
# ```
#
# The reader decides by `v` alone, never by guessing from the shape of `data`:
#
# | entry | reader |
# |---|---|
# | `v` is the current version | decode `data` |
# | an older `v` with a cheap, exact migration | migrate it (or treat it as a miss, if migrating is not worth the code) |
# | a **newer** `v` (written by the next release) | a miss: this code cannot know what it means; do not crash |
# | no `v`, not JSON, wrong shape | a miss |
#
# During a rolling deploy two releases that both "repair" each other's entries would overwrite them back and forth. When that matters, also put the version into the key (`price:v2:tea`), so each release has its own entries and old ones simply expire.

# %% [markdown] id="ex3-task"
# ## Exercise 3 · A versioned price envelope
#
# **Goal:** write prices in a version 2 envelope, migrate version 1, and treat everything else as a miss.
#
# ```python
# @dataclass
# class Price:
#     sku: str
#     amount: Decimal
#     currency: str
# ```
#
# - `wrap_price(price) -> str` returns compact JSON `{"v": 2, "data": {"sku": ..., "amount": "<Decimal as a string>", "currency": ...}}`.
# - `unwrap_price(raw) -> Price | None` (`raw` is `str` or `bytes`):
#   - `v` 2 → the `Price` in `data`;
#   - `v` 1 → the old format `{"v": 1, "data": {"sku": "tea", "cents": 1275}}`, always euros: migrate it to `Price("tea", Decimal("12.75"), "EUR")` (`Decimal(cents).scaleb(-2)`);
#   - anything else (a future version, no version, not JSON, wrong shape) → `None`, which the caller treats as a miss. No exception escapes.
#
# ```python
# >>> unwrap_price(wrap_price(Price("tea", Decimal("12.75"), "EUR")))
# Price(sku='tea', amount=Decimal('12.75'), currency='EUR')
# >>> unwrap_price('{"v": 1, "data": {"sku": "tea", "cents": 1275}}'), unwrap_price('{"v": 3, "data": {}}')
# (Price(sku='tea', amount=Decimal('12.75'), currency='EUR'), None)
# ```

# %% locked="price-class"
@dataclass
class Price:
    sku: str
    amount: Decimal
    currency: str


# %% answer="l06-price-envelope"
def wrap_price(price):
    ### BEGIN SOLUTION
    data = {"sku": price.sku, "amount": str(price.amount), "currency": price.currency}
    return json.dumps({"v": 2, "data": data}, separators=(",", ":"), ensure_ascii=False)
    ### END SOLUTION


def unwrap_price(raw):
    ### BEGIN SOLUTION
    try:
        entry = json.loads(raw)
        version, data = entry["v"], entry["data"]
        if version == 2 and type(version) is int:
            return Price(str(data["sku"]), Decimal(data["amount"]), str(data["currency"]))
        if version == 1 and type(version) is int:
            return Price(str(data["sku"]), Decimal(int(data["cents"])).scaleb(-2), "EUR")
    except (ValueError, KeyError, TypeError, ArithmeticError):
        pass
    return None  # a future version, no version, or not a price at all: a miss
    ### END SOLUTION


# %% check
tea = Price("tea", Decimal("12.75"), "EUR")
wrapped = ex.call(wrap_price, tea)
try:
    envelope = json.loads(wrapped)
except (TypeError, ValueError) as error:
    envelope = f"not JSON: {error}"
expected_envelope = {"v": 2, "data": {"sku": "tea", "amount": "12.75", "currency": "EUR"}}
ex.expect(envelope == expected_envelope, "client-serialization", expected=json.dumps(expected_envelope),
          got=str(wrapped)[:120], hint="The version goes next to the data: {'v': 2, 'data': {...}}.")
compact = json.dumps(expected_envelope, separators=(",", ":"))
ex.expect(envelope != expected_envelope or len(str(wrapped)) == len(compact), "client-serialization",
          expected=f"compact JSON: {compact}", got=str(wrapped)[:120],
          hint='json.dumps(envelope, separators=(",", ":")) drops the spaces after commas and colons.')
cases = [
    ("current version 2", wrapped, tea),
    ("version 1, migrated", '{"v": 1, "data": {"sku": "tea", "cents": 1275}}', tea),
    ("future version 3", '{"v": 3, "data": {"sku": "tea", "amount": "12.75", "currency": "EUR"}}', None),
    ("no version", '{"sku": "tea", "amount": "12.75", "currency": "EUR"}', None),
    ("no version, but a data object", '{"data": {"sku": "tea", "amount": "12.75", "currency": "EUR"}}', None),
]


def expect_unwrapped(label, raw, want):
    got = ex.call(unwrap_price, raw)
    ex.expect(got == want, "client-serialization", expected=f"{label}: {want!r}", got=repr(got),
              hint="Decide by the version number alone; anything you don't know is None (a miss).")


for label, raw, want in cases:
    expect_unwrapped(label, raw, want)
### BEGIN HIDDEN TESTS
for price in (Price("coffee-beans", Decimal("0.10"), "USD"), Price("zoë's tea", Decimal("1234567890123.45"), "EUR")):
    expect_unwrapped(f"round trip of {price.sku}", ex.call(wrap_price, price), price)
    expect_unwrapped(f"round trip of {price.sku} as bytes", ex.call(wrap_price, price).encode(), price)
more = [
    ("version 1 of another sku", b'{"v":1,"data":{"sku":"milk","cents":99}}', Price("milk", Decimal("0.99"), "EUR")),
    ("far-future version 42", '{"v": 42, "data": {"sku": "tea", "cents": 1275}}', None),
    ("truncated JSON", wrapped[: len(wrapped) // 2], None),
    ("a pickle", pickle.dumps(tea), None),
    ("version 2 missing its currency", '{"v": 2, "data": {"sku": "tea", "amount": "12.75"}}', None),
    ("a JSON list", "[2, {}]", None),
]
for label, raw, want in more:
    expect_unwrapped(label, raw, want)
### END HIDDEN TESTS
ex.verdict()


# %% hints

# %% [markdown] id="kata-task"
# ## Review kata · Spot the violations
#
# A colleague asks you to review this before it ships:
#
# ```python
# import logging
# import os
# import pickle
#
# import redis
#
# log = logging.getLogger(__name__)
# r = redis.Redis.from_url(os.environ["CACHE_URL"], db=3,       # one client for the whole service
#                          socket_timeout=0.2, socket_connect_timeout=0.2)
#
#
# def get_order(order_id):
#     try:
#         raw = r.get(f"order:{order_id}")
#         if raw is not None:
#             return pickle.loads(raw)  # exact Python objects back, no schema to maintain
#     except (redis.ConnectionError, redis.TimeoutError) as error:
#         log.warning("order cache unavailable, using the database: %s", error)
#     order = db.load_order(order_id)
#     try:
#         r.set(f"order:{order_id}", pickle.dumps(order), ex=600)
#     except redis.RedisError as error:
#         log.warning("could not cache order %s: %s", order_id, error)
#     return order
#
#
# def cached_order_count():
#     return len(r.keys("order:*"))
# ```
#
# Which standards does it break? Return the set of standard ids from `kata_violations()`. Choose among those you have met so far: `ttl-always`, `key-namespace`, `key-readable`, `key-no-numbered-db`, `key-size-limit`, `cmd-scan-not-keys`, `client-pool-reuse`, `client-error-handling`, `client-serialization`.

# %% answer="l06-kata"
def kata_violations():
    ### BEGIN SOLUTION
    return {"client-serialization", "key-no-numbered-db", "cmd-scan-not-keys"}
    ### END SOLUTION


# %% check
spotted = ex.call(kata_violations)
ex.kata(spotted)
ex.verdict()

# %% hints

# %% [markdown] id="recap"
# ## Recap
#
# - **`client-serialization`**: one codec for every reader and writer: JSON text, never pickle (it runs code and ties entries to one release) and never `str()`.
#   - Types JSON lacks travel explicitly: ISO 8601 datetimes with their offset, decimals and UUIDs as strings, bytes as base64; a published schema (or tagged values inside one codebase).
#   - Cache the compact form (`separators=(",", ":")`); `indent=2` is for humans and costs bytes on every entry and every hit.
#   - Every entry carries a version (`{"v": 2, "data": ...}`): decode the current one, migrate older ones or treat them as misses, treat newer ones as misses.
#   - A corrupt or foreign entry is a miss: read the source once, overwrite the entry with a good value and a TTL, never let the error escape.
# - **`pattern-cache-aside`** and **`ttl-always`**: the repair is an ordinary miss: one source read, one `SET … EX`.
# - Property-based tests (hypothesis) find the order your codec gets wrong before production does.
#
# **Next:** [Lesson 07 · Cache-aside](../07-cache-aside/07-cache-aside.ipynb): the read pattern your repairing reader already follows, with its stampedes, stale data and invalidation.

# %% [markdown] id="progress-intro"
# ## Your progress in this lesson

# %% id="progress"
show_progress("06-serialization")
