"""Fingerprints of the candidate tables: a table is built again only when what it is built from changed.

As sqlmesh fingerprints a model by its query and its parents, a candidate table `pub.<object>` is
fingerprinted by its SQL (with the macros it may call) and the content of every relation the SQL
reads, which DuckDB's own parser names (`json_serialize_sql`: base tables that are not CTEs):

- a candidate built before it in this run: that candidate's fingerprint;
- `link`: only its rows of the tables the SQL reads (`link.tbl`): an object joins `link` to its
  own tables' rows by `row_uid`, and a `row_uid` names one row of one table, so a corrected file of
  another sender does not touch it;
- `run_context`: only the columns the SQL names (`run_id` changes every run, `as_of` seldom);
- any other relation (the frozen rows in force `cur_<table>`, `place`, `ledger`, `finding`,
  `pub.pseudonym`...): its columns and types, its row count and the sum of its rows' hashes.

SQL that calls a function whose value is not a function of its inputs (`now()`, `current_date`,
`random()`...) has no fingerprint: it is built every time.

Hashes are DuckDB's 64-bit `hash` of each whole row, summed as HUGEINT (order does not matter,
equal rows do not cancel). A content hash is taken once per relation per build (the inputs do not
change while the candidates are built; the frozen rows in force not while a run checks and publishes).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

import duckdb

LINK = "link"
CONTEXT = "run_context"
VOLATILE = {"now", "today", "current_date", "current_time", "current_timestamp", "get_current_time",
            "get_current_timestamp", "localtime", "localtimestamp", "transaction_timestamp", "random",
            "setseed", "gen_random_uuid", "uuid", "uuidv4", "uuidv7", "nextval", "currval", "current_query"}


@dataclass
class Reads:
    tables: list[str]              # the relations read, sorted (CTEs left out)
    columns: set[str]              # every column name the SQL mentions
    volatile: bool                 # it calls a function of VOLATILE


def _walk(node: Any, found: Reads, ctes: set[str]) -> None:
    if isinstance(node, dict):
        if node.get("type") == "BASE_TABLE":
            schema = node.get("schema_name") or ""
            found.tables.append(f"{schema}.{node['table_name']}" if schema else node["table_name"])
        if node.get("class") == "COLUMN_REF":
            found.columns.add(node["column_names"][-1])
            found.volatile |= len(node["column_names"]) == 1 and node["column_names"][0].lower() in VOLATILE
        if node.get("class") == "FUNCTION":
            found.volatile |= str(node.get("function_name")).lower() in VOLATILE
        for entry in (node.get("cte_map") or {}).get("map", []):
            ctes.add(entry["key"])
        for value in node.values():
            _walk(value, found, ctes)
    elif isinstance(node, list):
        for value in node:
            _walk(value, found, ctes)


def relations_read(con: duckdb.DuckDBPyConnection, sql: str) -> Reads:
    """What `sql` reads, as DuckDB's parser sees it."""
    tree = json.loads(con.execute("SELECT json_serialize_sql($1)", [sql]).fetchall()[0][0])
    if tree.get("error"):
        raise ValueError(f"DuckDB cannot parse the SQL to fingerprint it: {tree.get('error_message')}")
    found, ctes = Reads([], set(), False), set[str]()
    _walk(tree, found, ctes)
    found.tables = sorted({t for t in found.tables if t not in ctes})
    return found


class Fingerprints:
    """One build's fingerprints: `of(name, sql)` for each candidate, in build order."""

    def __init__(self, con: duckdb.DuckDBPyConnection, code: str, frozen: dict[str, str] | None = None) -> None:
        """`frozen`: the content hashes of the rows in force (`cur_<table>`) for as long as they are
        frozen (pipelines.inforce.frozen_content), shared by the checks and the candidates."""
        self._con = con
        self._code = code           # what every object depends on: the macros' SQL, the schema's types
        self._content: dict[str, str] = {}
        self._frozen = {} if frozen is None else frozen
        self._link: dict[str, str] | None = None
        self.built: dict[str, str] = {}   # candidate ("pub.person") -> its fingerprint this build
        self.parts: dict[str, dict[str, str]] = {}   # candidate -> {relation read: its part; "": the SQL's}

    def of(self, name: str, sql: str) -> str | None:
        """The fingerprint of candidate `name` built by `sql`; None when it has none (VOLATILE)."""
        reads = relations_read(self._con, sql)
        if reads.volatile:
            self.built[name] = secrets.token_hex(16)   # whatever reads it is built again too
            return None
        read = [t.removeprefix("cur_") for t in reads.tables if t.startswith("cur_")]
        digest = hashlib.sha256(f"{self._code}\0{sql}".encode())
        parts = {"": hashlib.sha256(f"{self._code}\0{sql}".encode()).hexdigest()}
        for table in reads.tables:
            parts[table] = self._part(table, read, reads.columns)
            digest.update(f"\0{table}\0{parts[table]}".encode())
        self.built[name], self.parts[name] = digest.hexdigest(), parts
        return self.built[name]

    def _part(self, table: str, read: list[str], columns: set[str]) -> str:
        if table in self.built:
            return self.built[table]
        if table == LINK:
            if self._link is None:   # per table of link, once: each check reads another set of tables
                shape = self._con.execute(f"DESCRIBE {LINK}").fetchall()
                self._link = {t: repr((shape, n, total)) for t, n, total in self._con.execute(
                    f"SELECT tbl, count(*), sum(hash(l)::HUGEINT) FROM {LINK} l GROUP BY tbl").fetchall()}
            return hashlib.sha256(repr([(t, self._link.get(t)) for t in sorted(read)]).encode()).hexdigest()
        if table == CONTEXT:
            named = sorted(c for c in self._columns(CONTEXT) if c in columns)
            return self.content_hash(f"SELECT {', '.join(named) or 'NULL'} FROM {CONTEXT}")
        content = self._frozen if table.startswith("cur_") else self._content
        if table not in content:
            content[table] = self.content_hash(f"SELECT * FROM {table}")
        return content[table]

    def _columns(self, table: str) -> list[str]:
        return [row[0] for row in self._con.execute(f"DESCRIBE {table}").fetchall()]

    def content_hash(self, sql: str) -> str:
        """The content of what `sql` selects: its columns and types, row count and sum of row hashes."""
        shape = self._con.execute(f"DESCRIBE {sql}").fetchall()
        rows = self._con.execute(f"SELECT count(*), sum(hash(q)::HUGEINT) FROM ({sql}) AS q").fetchall()
        return self.digest(shape, rows)

    @staticmethod
    def digest(shape: list[Any], rows: list[Any]) -> str:
        """A content hash from its parts: DESCRIBE's rows, and [(row count, sum of row hashes)]
        (pipelines.inforce adds these up per load instead of reading the rows)."""
        return hashlib.sha256(repr((shape, rows)).encode()).hexdigest()
