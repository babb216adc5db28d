# Lesson 06-serialization: answers the checks are proven against. Each cell replaces the answer cell of
# the exercise whose names it defines, then that exercise's check runs. The first comment line is its label.
# `wrong="<standard>"`: the check must fail and name that standard (`points=N`: must score N).
# `valid=true`: a correct answer written differently from the reference; the check must pass.

# %% wrong="client-serialization"
# pickle: exact objects back, but bytes no other service can read
def encode_order(order):
    return pickle.dumps(order)


def decode_order(raw):
    return pickle.loads(raw)


# %% wrong="client-serialization"
# pickle wrapped in a JSON string: parses as JSON, round-trips, unreadable by the shipping team
def encode_order(order):
    return json.dumps({"pickle": base64.b64encode(pickle.dumps(order)).decode()})


def decode_order(raw):
    return pickle.loads(base64.b64decode(json.loads(raw)["pickle"]))


# %% wrong="client-serialization"
# default=str, read back with literal_eval: bytes travel as their repr
import ast


def encode_order(order):
    return json.dumps(dataclasses.asdict(order), default=str, separators=(",", ":"))


def decode_order(raw):
    doc = json.loads(raw)
    return Order(uuid.UUID(doc["id"]), doc["customer"], datetime.fromisoformat(doc["placed_at"]),
                 Decimal(doc["total"]), [Item(i["sku"], i["quantity"], Decimal(i["unit_price"])) for i in doc["items"]],
                 ast.literal_eval(doc["signature"]))


# %% wrong="client-serialization"
# money as JSON numbers (floats)
def encode_order(order):
    doc = {"id": str(order.id), "customer": order.customer, "placed_at": order.placed_at.isoformat(),
           "total": float(order.total),
           "items": [{"sku": i.sku, "quantity": i.quantity, "unit_price": float(i.unit_price)} for i in order.items],
           "signature": base64.b64encode(order.signature).decode("ascii")}
    return json.dumps(doc, separators=(",", ":"))


def decode_order(raw):
    doc = json.loads(raw)
    return Order(uuid.UUID(doc["id"]), doc["customer"], datetime.fromisoformat(doc["placed_at"]),
                 Decimal(str(doc["total"])),
                 [Item(i["sku"], i["quantity"], Decimal(str(i["unit_price"]))) for i in doc["items"]],
                 base64.b64decode(doc["signature"]))


# %% wrong="client-serialization"
# datetimes stored as naive UTC: the zone is lost
def encode_order(order):
    doc = {"id": str(order.id), "customer": order.customer,
           "placed_at": order.placed_at.astimezone(UTC).replace(tzinfo=None).isoformat(),
           "total": str(order.total),
           "items": [{"sku": i.sku, "quantity": i.quantity, "unit_price": str(i.unit_price)} for i in order.items],
           "signature": base64.b64encode(order.signature).decode("ascii")}
    return json.dumps(doc, separators=(",", ":"))


def decode_order(raw):
    doc = json.loads(raw)
    return Order(uuid.UUID(doc["id"]), doc["customer"], datetime.fromisoformat(doc["placed_at"]),
                 Decimal(doc["total"]), [Item(i["sku"], i["quantity"], Decimal(i["unit_price"])) for i in doc["items"]],
                 base64.b64decode(doc["signature"]))


# %% wrong="client-serialization"
# catches only JSONDecodeError: wrong-shape entries still crash
def get_or_repair(r, key, load, encode, decode, ttl=300):
    raw = r.get(key)
    if raw is not None:
        try:
            return decode(raw)
        except json.JSONDecodeError:
            pass
    value = load()
    r.set(key, encode(value), ex=ttl)
    return value


# %% wrong="client-serialization"
# falls back to pickle for legacy entries
def get_or_repair(r, key, load, encode, decode, ttl=300):
    raw = r.get(key)
    if raw is not None:
        try:
            return decode(raw)
        except CorruptEntry:
            try:
                return pickle.loads(raw)  # entries from the old service
            except Exception:
                pass
    value = load()
    r.set(key, encode(value), ex=ttl)
    return value


# %% wrong="client-serialization"
# returns the source's value but leaves the bad entry in place
def get_or_repair(r, key, load, encode, decode, ttl=300):
    raw = r.get(key)
    if raw is None:
        value = load()
        r.set(key, encode(value), ex=ttl)
        return value
    try:
        return decode(raw)
    except CorruptEntry:
        return load()


# %% wrong="ttl-always"
# repairs the entry without a TTL
def get_or_repair(r, key, load, encode, decode, ttl=300):
    raw = r.get(key)
    if raw is not None:
        try:
            return decode(raw)
        except CorruptEntry:
            pass
    value = load()
    r.set(key, encode(value))
    return value


# %% wrong="pattern-cache-aside"
# reads the source twice per miss
def get_or_repair(r, key, load, encode, decode, ttl=300):
    raw = r.get(key)
    if raw is not None:
        try:
            return decode(raw)
        except CorruptEntry:
            pass
    r.set(key, encode(load()), ex=ttl)
    return load()


# %% wrong="client-serialization"
# ignores the version and guesses from the shape of data
def wrap_price(price):
    data = {"sku": price.sku, "amount": str(price.amount), "currency": price.currency}
    return json.dumps({"v": 2, "data": data}, separators=(",", ":"))


def unwrap_price(raw):
    try:
        data = json.loads(raw)["data"]
        if "cents" in data:
            return Price(data["sku"], Decimal(data["cents"]).scaleb(-2), "EUR")
        return Price(data["sku"], Decimal(data["amount"]), data["currency"])
    except (ValueError, KeyError, TypeError, ArithmeticError):
        return None


# %% wrong="client-serialization"
# treats version 1 as a miss although the task says migrate
def wrap_price(price):
    data = {"sku": price.sku, "amount": str(price.amount), "currency": price.currency}
    return json.dumps({"v": 2, "data": data}, separators=(",", ":"))


def unwrap_price(raw):
    try:
        entry = json.loads(raw)
        if entry["v"] == 2:
            data = entry["data"]
            return Price(data["sku"], Decimal(data["amount"]), data["currency"])
    except (ValueError, KeyError, TypeError, ArithmeticError):
        pass
    return None


# %% wrong="client-serialization"
# right versions, but a corrupt entry raises
def wrap_price(price):
    data = {"sku": price.sku, "amount": str(price.amount), "currency": price.currency}
    return json.dumps({"v": 2, "data": data}, separators=(",", ":"))


def unwrap_price(raw):
    entry = json.loads(raw)
    if not isinstance(entry, dict):
        return None
    data = entry.get("data", {})
    if entry.get("v") == 2:
        return Price(data["sku"], Decimal(data["amount"]), data["currency"])
    if entry.get("v") == 1:
        return Price(data["sku"], Decimal(data["cents"]).scaleb(-2), "EUR")
    return None


# %% wrong="client-serialization"
# money as a JSON number in the envelope
def wrap_price(price):
    data = {"sku": price.sku, "amount": float(price.amount), "currency": price.currency}
    return json.dumps({"v": 2, "data": data}, separators=(",", ":"))


def unwrap_price(raw):
    try:
        entry = json.loads(raw)
        data = entry["data"]
        if entry["v"] == 2:
            return Price(data["sku"], Decimal(str(data["amount"])), data["currency"])
        if entry["v"] == 1:
            return Price(data["sku"], Decimal(data["cents"]).scaleb(-2), "EUR")
    except (ValueError, KeyError, TypeError, ArithmeticError):
        pass
    return None


# %% wrong="cmd-scan-not-keys"
# spots the pickle but misses the rest
def kata_violations():
    return {"client-serialization"}


# %% wrong="ttl-always"
# blames the TTL as well
def kata_violations():
    return {"client-serialization", "key-no-numbered-db", "cmd-scan-not-keys", "ttl-always"}


# ---- corpus-B additions (triage of lessons 04-06) ---------------------------------------------------

# %% valid=true
# dataclasses.asdict + a default= hook for the four JSON-less types
def _order_default(value):
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"cannot encode {type(value).__name__}")


def encode_order(order):
    return json.dumps(dataclasses.asdict(order), default=_order_default, separators=(",", ":"))


def decode_order(raw):
    doc = json.loads(raw)
    return Order(
        id=uuid.UUID(doc["id"]),
        customer=doc["customer"],
        placed_at=datetime.fromisoformat(doc["placed_at"]),
        total=Decimal(doc["total"]),
        items=[Item(sku=i["sku"], quantity=i["quantity"], unit_price=Decimal(i["unit_price"])) for i in doc["items"]],
        signature=base64.b64decode(doc["signature"]),
    )


# %% valid=true
# a JSONEncoder subclass, ensure_ascii=True, bytes input decoded explicitly
class OrderEncoder(json.JSONEncoder):
    def default(self, o):
        if isinstance(o, Item):
            return {"sku": o.sku, "quantity": o.quantity, "unit_price": str(o.unit_price)}
        if isinstance(o, bytes):
            return base64.b64encode(o).decode("ascii")
        if isinstance(o, datetime):
            return o.isoformat(timespec="microseconds")
        if isinstance(o, uuid.UUID | Decimal):
            return str(o)
        return super().default(o)


def encode_order(order):
    doc = {"id": order.id, "customer": order.customer, "placed_at": order.placed_at, "total": order.total,
           "items": order.items, "signature": order.signature}
    return json.dumps(doc, cls=OrderEncoder, separators=(",", ":"))


def decode_order(raw):
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    doc = json.loads(text)
    items = [Item(str(i["sku"]), int(i["quantity"]), Decimal(i["unit_price"])) for i in doc["items"]]
    return Order(uuid.UUID(doc["id"]), doc["customer"], datetime.fromisoformat(doc["placed_at"]),
                 Decimal(doc["total"]), items, base64.b64decode(doc["signature"], validate=True))


# %% valid=true
# times normalised to UTC on the way out (same instant, still ISO 8601 with its offset)
def encode_order(order):
    doc = {
        "id": order.id.hex and str(order.id),
        "customer": order.customer,
        "placed_at": order.placed_at.astimezone(UTC).isoformat(),
        "total": format(order.total, "f"),
        "items": [dict(sku=i.sku, quantity=i.quantity, unit_price=format(i.unit_price, "f")) for i in order.items],
        "signature": base64.standard_b64encode(order.signature).decode(),
    }
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def decode_order(raw):
    doc = json.loads(raw)
    return Order(uuid.UUID(doc["id"]), doc["customer"], datetime.fromisoformat(doc["placed_at"]),
                 Decimal(doc["total"]),
                 [Item(i["sku"], i["quantity"], Decimal(i["unit_price"])) for i in doc["items"]],
                 base64.standard_b64decode(doc["signature"]))


# %% wrong="client-serialization"
# decode falls back to pickle.loads for "legacy" non-JSON entries (runs code from the cache)
def encode_order(order):
    doc = {
        "id": str(order.id), "customer": order.customer, "placed_at": order.placed_at.isoformat(),
        "total": str(order.total),
        "items": [{"sku": i.sku, "quantity": i.quantity, "unit_price": str(i.unit_price)} for i in order.items],
        "signature": base64.b64encode(order.signature).decode("ascii"),
    }
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def decode_order(raw):
    try:
        doc = json.loads(raw)
    except ValueError:
        return pickle.loads(raw)  # entries written by the old service
    return Order(uuid.UUID(doc["id"]), doc["customer"], datetime.fromisoformat(doc["placed_at"]),
                 Decimal(doc["total"]), [Item(i["sku"], i["quantity"], Decimal(i["unit_price"])) for i in doc["items"]],
                 base64.b64decode(doc["signature"], validate=True))


# %% wrong="client-serialization"
# quantity written as a string: round-trips, but breaks the published format ("quantity": 2)
def encode_order(order):
    doc = {
        "id": str(order.id), "customer": order.customer, "placed_at": order.placed_at.isoformat(),
        "total": str(order.total),
        "items": [{"sku": i.sku, "quantity": str(i.quantity), "unit_price": str(i.unit_price)} for i in order.items],
        "signature": base64.b64encode(order.signature).decode("ascii"),
    }
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def decode_order(raw):
    doc = json.loads(raw)
    return Order(uuid.UUID(doc["id"]), doc["customer"], datetime.fromisoformat(doc["placed_at"]),
                 Decimal(doc["total"]),
                 [Item(i["sku"], int(i["quantity"]), Decimal(i["unit_price"])) for i in doc["items"]],
                 base64.b64decode(doc["signature"], validate=True))


# %% wrong="client-serialization"
# indent=2 instead of the compact separators the task asks for
def encode_order(order):
    doc = {
        "id": str(order.id), "customer": order.customer, "placed_at": order.placed_at.isoformat(),
        "total": str(order.total),
        "items": [{"sku": i.sku, "quantity": i.quantity, "unit_price": str(i.unit_price)} for i in order.items],
        "signature": base64.b64encode(order.signature).decode("ascii"),
    }
    return json.dumps(doc, indent=2, ensure_ascii=False)


def decode_order(raw):
    doc = json.loads(raw)
    return Order(uuid.UUID(doc["id"]), doc["customer"], datetime.fromisoformat(doc["placed_at"]),
                 Decimal(doc["total"]), [Item(i["sku"], i["quantity"], Decimal(i["unit_price"])) for i in doc["items"]],
                 base64.b64decode(doc["signature"], validate=True))


# %% wrong="client-serialization"
# URL-safe base64 for the signature (the shipping team decodes standard base64)
def encode_order(order):
    doc = {
        "id": str(order.id), "customer": order.customer, "placed_at": order.placed_at.isoformat(),
        "total": str(order.total),
        "items": [{"sku": i.sku, "quantity": i.quantity, "unit_price": str(i.unit_price)} for i in order.items],
        "signature": base64.urlsafe_b64encode(order.signature).decode("ascii"),
    }
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def decode_order(raw):
    doc = json.loads(raw)
    return Order(uuid.UUID(doc["id"]), doc["customer"], datetime.fromisoformat(doc["placed_at"]),
                 Decimal(doc["total"]), [Item(i["sku"], i["quantity"], Decimal(i["unit_price"])) for i in doc["items"]],
                 base64.urlsafe_b64decode(doc["signature"]))


# %% wrong="client-serialization"
# timestamps to the second only (microseconds lost)
def encode_order(order):
    doc = {
        "id": str(order.id), "customer": order.customer, "placed_at": order.placed_at.isoformat(timespec="seconds"),
        "total": str(order.total),
        "items": [{"sku": i.sku, "quantity": i.quantity, "unit_price": str(i.unit_price)} for i in order.items],
        "signature": base64.b64encode(order.signature).decode("ascii"),
    }
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def decode_order(raw):
    doc = json.loads(raw)
    return Order(uuid.UUID(doc["id"]), doc["customer"], datetime.fromisoformat(doc["placed_at"]),
                 Decimal(doc["total"]), [Item(i["sku"], i["quantity"], Decimal(i["unit_price"])) for i in doc["items"]],
                 base64.b64decode(doc["signature"], validate=True))


# %% valid=true
# contextlib.suppress around the decode, setex for the repair
def get_or_repair(r, key, load, encode, decode, ttl=300):
    raw = r.get(key)
    if raw is not None:
        with contextlib.suppress(CorruptEntry):
            return decode(raw)
    value = load()
    r.setex(key, ttl, encode(value))
    return value


# %% valid=true
# catches the base class ValueError (CorruptEntry is one); timedelta TTL
def get_or_repair(r, key, load, encode, decode, ttl=300):
    raw = r.get(key)
    try:
        if raw is not None:
            return decode(raw)
    except ValueError as error:
        print(f"unreadable entry at {key}: {error!s:.60}")
    value = load()
    r.set(key, encode(value), ex=timedelta(seconds=ttl))
    return value


# %% valid=true
# a bad entry is unlinked first, then the ordinary miss path writes in a MULTI/EXEC
def get_or_repair(r, key, load, encode, decode, ttl=300):
    raw = r.get(key)
    if raw is not None:
        try:
            return decode(raw)
        except CorruptEntry:
            r.unlink(key)
    value = load()
    with r.pipeline(transaction=True) as pipe:
        pipe.set(key, encode(value), ex=ttl)
        pipe.execute()
    return value


# %% wrong="ttl-always"
# TTL hard-coded to 60 s (ignores the ttl argument; every check is an upper bound >= 60)
def get_or_repair(r, key, load, encode, decode, ttl=300):
    raw = r.get(key)
    if raw is not None:
        try:
            return decode(raw)
        except CorruptEntry:
            pass
    value = load()
    r.set(key, encode(value), ex=60)
    return value


# %% wrong="ttl-always"
# repair with KEEPTTL: the bad entry's 3600 s (or none, on a miss) is kept
def get_or_repair(r, key, load, encode, decode, ttl=300):
    raw = r.get(key)
    if raw is not None:
        try:
            return decode(raw)
        except CorruptEntry:
            pass
    value = load()
    r.set(key, encode(value), keepttl=True)
    return value


# %% valid=true
# structural pattern matching on the envelope
def wrap_price(price):
    return json.dumps({"v": 2, "data": {"sku": price.sku, "amount": str(price.amount), "currency": price.currency}},
                      separators=(",", ":"))


def unwrap_price(raw):
    try:
        entry = json.loads(raw)
    except ValueError:
        return None
    match entry:
        case {"v": 2, "data": {"sku": str(sku), "amount": str(amount), "currency": str(currency)}}:
            try:
                return Price(sku, Decimal(amount), currency)
            except ArithmeticError:
                return None
        case {"v": 1, "data": {"sku": str(sku), "cents": int(cents)}}:
            return Price(sku, Decimal(cents).scaleb(-2), "EUR")
    return None


# %% valid=true
# isinstance checks instead of a try around everything; Decimal(cents) / 100
def wrap_price(price):
    envelope = {"v": 2, "data": {"sku": price.sku, "amount": str(price.amount), "currency": price.currency}}
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False)


def unwrap_price(raw):
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            return None
    try:
        entry = json.loads(raw)
    except json.JSONDecodeError:
        return None
    if not isinstance(entry, dict) or not isinstance(entry.get("data"), dict):
        return None
    data = entry["data"]
    if entry.get("v") == 2 and {"sku", "amount", "currency"} <= data.keys():
        try:
            return Price(data["sku"], Decimal(str(data["amount"])), data["currency"])
        except ArithmeticError:
            return None
    if entry.get("v") == 1 and isinstance(data.get("cents"), int) and "sku" in data:
        return Price(data["sku"], Decimal(data["cents"]) / 100, "EUR")
    return None


# %% valid=true
# a table of readers by version, contextlib.suppress for every bad shape
def _read_v2(data):
    return Price(data["sku"], Decimal(data["amount"]), data["currency"])


def _read_v1(data):
    return Price(data["sku"], Decimal(int(data["cents"])).scaleb(-2), "EUR")


READERS = {2: _read_v2, 1: _read_v1}


def wrap_price(price):
    return json.dumps({"v": 2, "data": {"sku": price.sku, "amount": f"{price.amount}", "currency": price.currency}},
                      separators=(",", ":"))


def unwrap_price(raw):
    with contextlib.suppress(ValueError, KeyError, TypeError, AttributeError, ArithmeticError):
        entry = json.loads(raw)
        reader = READERS.get(entry["v"]) if type(entry["v"]) is int else None
        if reader is not None:
            return reader(entry["data"])
    return None


# %% wrong="client-serialization"
# envelope written with default separators (the task says compact JSON)
def wrap_price(price):
    return json.dumps({"v": 2, "data": {"sku": price.sku, "amount": str(price.amount), "currency": price.currency}})


def unwrap_price(raw):
    try:
        entry = json.loads(raw)
        data = entry["data"]
        if entry["v"] == 2:
            return Price(data["sku"], Decimal(data["amount"]), data["currency"])
        if entry["v"] == 1:
            return Price(data["sku"], Decimal(data["cents"]).scaleb(-2), "EUR")
    except (ValueError, KeyError, TypeError, ArithmeticError):
        pass
    return None


# %% wrong="client-serialization"
# an entry without "v" is assumed to be the current version
def wrap_price(price):
    data = {"sku": price.sku, "amount": str(price.amount), "currency": price.currency}
    return json.dumps({"v": 2, "data": data}, separators=(",", ":"))


def unwrap_price(raw):
    try:
        entry = json.loads(raw)
        version, data = entry.get("v", 2), entry["data"]
        if version == 2:
            return Price(data["sku"], Decimal(data["amount"]), data["currency"])
        if version == 1:
            return Price(data["sku"], Decimal(data["cents"]).scaleb(-2), "EUR")
    except (ValueError, KeyError, TypeError, AttributeError, ArithmeticError):
        pass
    return None


# %% valid=true
# the same ids as a list
def kata_violations():
    return ["client-serialization", "key-no-numbered-db", "cmd-scan-not-keys"]


# %% valid=true
# the same ids as a tuple
def kata_violations():
    return ("cmd-scan-not-keys", "client-serialization", "key-no-numbered-db")


# %% wrong="client-error-handling"
# also names client-error-handling (the snippet now sets timeouts, catches TimeoutError and RedisError, and logs)
def kata_violations():
    return {"client-serialization", "key-no-numbered-db", "cmd-scan-not-keys", "client-error-handling"}


# %% wrong="key-no-numbered-db"
# customer cache kept in numbered database 1 (SELECT on the pooled connection)
def get_or_repair(r, key, load, encode, decode, ttl=300):
    r.execute_command("SELECT", 1)  # the customer cache lives in db 1
    raw = r.get(key)
    if raw is not None:
        try:
            return decode(raw)
        except CorruptEntry:
            pass
    value = load()
    r.set(key, encode(value), ex=ttl)
    return value


# ---- FIX-2 additions --------------------------------------------------------------------------------

# %% wrong="client-serialization"
# signature as hex (round-trips, but the published format and the shipping team say base64)
def encode_order(order):
    doc = {
        "id": str(order.id), "customer": order.customer, "placed_at": order.placed_at.isoformat(),
        "total": str(order.total),
        "items": [{"sku": i.sku, "quantity": i.quantity, "unit_price": str(i.unit_price)} for i in order.items],
        "signature": order.signature.hex(),
    }
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False)


def decode_order(raw):
    doc = json.loads(raw)
    return Order(uuid.UUID(doc["id"]), doc["customer"], datetime.fromisoformat(doc["placed_at"]),
                 Decimal(doc["total"]), [Item(i["sku"], i["quantity"], Decimal(i["unit_price"])) for i in doc["items"]],
                 bytes.fromhex(doc["signature"]))


# %% valid=true
# keys written in another order, ensure_ascii=True, items decoded with a helper
def _item(doc):
    return Item(sku=doc["sku"], quantity=doc["quantity"], unit_price=Decimal(doc["unit_price"]))


def encode_order(order):
    doc = {
        "signature": base64.b64encode(order.signature).decode("ascii"),
        "items": [{"unit_price": str(i.unit_price), "quantity": i.quantity, "sku": i.sku} for i in order.items],
        "total": str(order.total), "placed_at": order.placed_at.isoformat(), "customer": order.customer,
        "id": str(order.id),
    }
    return json.dumps(doc, separators=(",", ":"))


def decode_order(raw):
    doc = json.loads(raw)
    return Order(uuid.UUID(doc["id"]), doc["customer"], datetime.fromisoformat(doc["placed_at"]),
                 Decimal(doc["total"]), [_item(i) for i in doc["items"]],
                 base64.b64decode(doc["signature"], validate=True))


# %% wrong="client-serialization"
# repair leaves the bad entry and only deletes it (no good value written back with a TTL)
def get_or_repair(r, key, load, encode, decode, ttl=300):
    raw = r.get(key)
    if raw is not None:
        try:
            return decode(raw)
        except CorruptEntry:
            r.unlink(key)
            return load()
    value = load()
    r.set(key, encode(value), ex=ttl)
    return value


# %% wrong="ttl-always"
# repair written in milliseconds (px=ttl)
def get_or_repair(r, key, load, encode, decode, ttl=300):
    raw = r.get(key)
    if raw is not None:
        with contextlib.suppress(CorruptEntry):
            return decode(raw)
    value = load()
    r.set(key, encode(value), px=ttl)
    return value


# %% wrong="client-serialization"
# envelope with indent=2 (valid JSON, not compact)
def wrap_price(price):
    return json.dumps({"v": 2, "data": {"sku": price.sku, "amount": str(price.amount), "currency": price.currency}},
                      indent=2)


def unwrap_price(raw):
    try:
        entry = json.loads(raw)
        data = entry["data"]
        if entry["v"] == 2 and type(entry["v"]) is int:
            return Price(data["sku"], Decimal(data["amount"]), data["currency"])
        if entry["v"] == 1 and type(entry["v"]) is int:
            return Price(data["sku"], Decimal(int(data["cents"])).scaleb(-2), "EUR")
    except (ValueError, KeyError, TypeError, ArithmeticError):
        pass
    return None


# %% wrong="client-serialization"
# an id the task does not offer (security-auth) beside the three
def kata_violations():
    return {"client-serialization", "key-no-numbered-db", "cmd-scan-not-keys", "security-auth"}
