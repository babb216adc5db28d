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
