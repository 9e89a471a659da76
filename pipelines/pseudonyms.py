"""Pseudonyms and masks of ID and phone numbers: what analysts see instead of the numbers.

`pub.pseudonym` holds, for every ID and phone number in force in the registry, its masked form
(pipelines.idnumbers) and its pseudonym: HMAC-SHA256 under a random key kept in the working
database (`pseudonym_key`), written as 24 letters A-P, so a pseudonym joins across tables and
versions but cannot be reversed without the key, which never reaches the analysts' file. The
published SQL (warehouse/published/) joins it; pipelines.publish builds it first.
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

import duckdb
import pyarrow as pa

from pipelines.duck import lit, run, table_exists
from pipelines.errors import OnetableError
from pipelines.fingerprints import Fingerprints
from pipelines.idnumbers import mask_id, mask_phone
from pipelines.snapshot import CANDIDATE

_LETTERS = str.maketrans("0123456789abcdef", "ABCDEFGHIJKLMNOP")


def load_pseudonym_key(con: duckdb.DuckDBPyConnection) -> bytes:
    """The key of the pseudonyms: 32 random bytes created once in the working database (table
    `pseudonym_key`), so it stays with the full values and never reaches the analysts' file."""
    found = con.execute("SELECT key_hex FROM pseudonym_key").fetchall()
    if not found:
        con.execute("INSERT INTO pseudonym_key VALUES (?)", [secrets.token_hex(32)])
        found = con.execute("SELECT key_hex FROM pseudonym_key").fetchall()
    if len(found) != 1 or len(found[0][0]) < 32:
        raise OnetableError("the working database must hold exactly one pseudonym key of 16 bytes or more; "
                            "restore `pseudonym_key` from backup (pseudonyms change if the key does)")
    return bytes.fromhex(found[0][0])


def pseudonym(key: bytes, kind: str, raw: str) -> str:
    """HMAC-SHA256 of `<kind>:<value>` (a phone by its digits), 24 letters A-P: no digit at all."""
    return Pseudonyms(key)(kind, raw)


class Pseudonyms:
    """`pseudonym` for many values: HMAC-SHA256 (RFC 2104) with the key's inner and outer pad states
    hashed once and copied per value (hmac.new pads and hashes the key anew for every call: half of
    the time of 700,000 pseudonyms)."""

    def __init__(self, key: bytes) -> None:
        block = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")  # SHA-256 block
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def __call__(self, kind: str, raw: str) -> str:
        value = "".join(ch for ch in raw if ch.isdigit()) if kind == "phone" else raw.strip().upper()
        inner = self._inner.copy()
        inner.update(f"{kind}:{value or raw}".encode())
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()[:24].translate(_LETTERS)


WANTED = """SELECT 'id' AS kind, id_number AS raw FROM cur_registry_person WHERE id_number IS NOT NULL
    UNION SELECT 'id', head_id_number FROM cur_registry_household WHERE head_id_number IS NOT NULL
    UNION SELECT 'phone', phone FROM cur_registry_household WHERE phone IS NOT NULL"""


def build_pseudonyms(con: duckdb.DuckDBPyConnection, key: bytes, prints: Fingerprints, reuse: bool) -> None:
    """pub.pseudonym: the masked form and pseudonym of every ID and phone number in force. The
    previous build's values are kept when it was made with the same key and code (`_made_by`), so
    a run that takes one corrected file computes only the values new to it (city: 3.1 s for every
    value; 0.5 s when one file changed). When the registry rows it is made from are as they were
    (`WANTED`'s fingerprint) and pub.pseudonym holds what that build left (its content hash), it
    is left as it is (a corrected sector file: 0.3 s of comparing saved)."""
    made_by, inputs = _made_by(key), prints.of(f"{CANDIDATE}.pseudonym_wanted", WANTED)
    run(con, f"CREATE TABLE IF NOT EXISTS {CANDIDATE}.pseudonym_inputs (made_by VARCHAR, inputs VARCHAR, content VARCHAR)")
    if reuse and table_exists(con, "pseudonym", schema=CANDIDATE):
        content = prints.content_hash(f"SELECT * FROM {CANDIDATE}.pseudonym")
        if con.execute(f"FROM {CANDIDATE}.pseudonym_inputs").fetchall() == [(made_by, inputs, content)]:
            return
    run(con, f"DELETE FROM {CANDIDATE}.pseudonym_inputs")   # a crash from here on: compared again next time
    run(con, f"CREATE OR REPLACE TEMP TABLE pseudonym_wanted AS {WANTED}")
    kept = all(table_exists(con, t, schema=CANDIDATE) for t in ("pseudonym", "pseudonym_made_by"))
    if kept and con.execute(f"SELECT made_by FROM {CANDIDATE}.pseudonym_made_by").fetchall() == [(made_by,)]:
        run(con, f"DELETE FROM {CANDIDATE}.pseudonym p WHERE NOT EXISTS "
                 "(SELECT 1 FROM pseudonym_wanted w WHERE w.kind = p.kind AND w.raw = p.raw)")
        new = f"SELECT kind, raw FROM pseudonym_wanted w ANTI JOIN {CANDIDATE}.pseudonym p USING (kind, raw)"
    else:
        run(con, f"CREATE OR REPLACE TABLE {CANDIDATE}.pseudonym "
                 "(kind VARCHAR, raw VARCHAR, masked VARCHAR, pseudonym VARCHAR)")
        new = "SELECT kind, raw FROM pseudonym_wanted"
    _insert_pseudonyms(con, key, con.execute(new).fetchall())
    run(con, f"CREATE OR REPLACE TABLE {CANDIDATE}.pseudonym_made_by AS SELECT {lit(made_by)} AS made_by")
    run(con, "DROP TABLE pseudonym_wanted")
    if inputs is not None:
        content = prints.content_hash(f"SELECT * FROM {CANDIDATE}.pseudonym")
        run(con, f"INSERT INTO {CANDIDATE}.pseudonym_inputs VALUES ({lit(made_by)}, {lit(inputs)}, {lit(content)})")


def _insert_pseudonyms(con: duckdb.DuckDBPyConnection, key: bytes, rows: list[tuple[str, str]]) -> None:
    alias = Pseudonyms(key)
    table = pa.table({
        "kind": pa.array([k for k, _ in rows], pa.string()),
        "raw": pa.array([r for _, r in rows], pa.string()),
        "masked": pa.array([mask_id(r) if k == "id" else mask_phone(r) for k, r in rows], pa.string()),
        "pseudonym": pa.array([alias(k, r) for k, r in rows], pa.string())})
    con.register("onetable_pseudonyms", table)
    try:
        run(con, f"INSERT INTO {CANDIDATE}.pseudonym SELECT * FROM onetable_pseudonyms")
    finally:
        con.unregister("onetable_pseudonyms")


def _made_by(key: bytes) -> str:
    """What pseudonyms and masks depend on: the key, and the code that makes them."""
    digest = hashlib.sha256(b"onetable pseudonyms\0" + key)
    for module in (Path(__file__), Path(__file__).with_name("idnumbers.py")):   # this file and the masks
        digest.update(module.read_bytes())
    return digest.hexdigest()
