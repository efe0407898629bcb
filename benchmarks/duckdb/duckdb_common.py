"""Helpers shared by tpch_duckdb.py and crosscheck_answers.py.

- connect(): a DuckDB connection with one view per Parquet file of a directory.
- read_statement(): the text of a .sql file (one statement, trailing ';' stripped).
- write_csv(): a query result as CSV in the format of the reference answers
  (header row; NULL written as NULL; dates YYYY-MM-DD; decimals and doubles in
  plain notation, no exponent).
- read_answer(), compare_rows(): the comparison rules of shared/tpch/README.md
  (as benchmarks/tpch/compare.go implements them).
"""

import csv
import datetime
import decimal
import glob
import math
import os

import duckdb

# MySQL orders NULLs first in ascending order and last in descending order;
# DuckDB's default is NULLS LAST for both. This setting makes DuckDB order
# NULLs the way MySQL does, so answers are comparable.
MYSQL_NULL_ORDER = "nulls_first_on_asc_last_on_desc"


def connect(data_dir, threads=None, mysql_null_order=False):
    data_dir = os.path.abspath(data_dir)
    files = sorted(glob.glob(os.path.join(data_dir, "*.parquet")))
    if not files:
        raise SystemExit(f"no *.parquet files in {data_dir}")
    con = duckdb.connect(database=":memory:")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if mysql_null_order:
        con.execute(f"SET default_null_order = '{MYSQL_NULL_ORDER}'")
    for path in files:
        name = os.path.splitext(os.path.basename(path))[0]
        quoted = path.replace("'", "''")
        con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM read_parquet(\'{quoted}\')')
    return con


def read_statement(path):
    with open(path, encoding="utf-8") as f:
        text = f.read().strip()
    while text.endswith(";"):
        text = text[:-1].rstrip()
    return text


def _plain_decimal(d):
    """Plain notation (never an exponent), trailing fractional zeros dropped,
    as in the reference answers: 37734107.00 -> 37734107, 7236687.40 -> 7236687.4."""
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    if s in ("-0", ""):
        s = "0"
    return s


def format_value(v, allow_bool=True):
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        if not allow_bool:
            raise ValueError("boolean output column (MySQL prints 1/0, DuckDB true/false)")
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, decimal.Decimal):
        return _plain_decimal(v)
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            return repr(v)
        r = repr(v)  # shortest text that round-trips
        if "e" in r or "E" in r:
            r = _plain_decimal(decimal.Decimal(r))
        if r == "-0.0":
            r = "0.0"
        return r
    if isinstance(v, datetime.datetime):
        if v.microsecond:
            return v.strftime("%Y-%m-%d %H:%M:%S.%f")
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, datetime.date):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, datetime.time):
        return v.isoformat()
    if isinstance(v, str):
        return v
    if isinstance(v, (bytes, bytearray)):
        return v.decode("utf-8", errors="replace")
    return str(v)


def _csv_field(s):
    # Quoting as Go's encoding/csv writes it (and as the reference answers
    # are written): quotes around a field that holds a comma, a quote, CR or
    # LF, or that starts with a blank, or that is exactly \.
    if s == "":
        return s
    if s == "\\." or any(c in s for c in ',"\r\n') or s[0].isspace():
        return '"' + s.replace('"', '""') + '"'
    return s


def write_csv(path, columns, rows, allow_bool=True):
    with open(path, "w", newline="", encoding="utf-8") as f:
        f.write(",".join(_csv_field(c) for c in columns) + "\n")
        for row in rows:
            f.write(",".join(_csv_field(format_value(v, allow_bool)) for v in row) + "\n")


def format_row(row, allow_bool=True):
    return [format_value(v, allow_bool) for v in row]


def read_answer(path):
    """Rows of a reference answer CSV, without its header row."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if not rows:
        raise ValueError(f"{path}: no header row")
    return rows[1:]


_REL = decimal.Decimal("1e-9")
_ABS_BIG = decimal.Decimal("0.006")
_ABS_SMALL = decimal.Decimal("1e-5")


def _number(s):
    try:
        d = decimal.Decimal(s)
    except decimal.InvalidOperation:
        return None
    return d if d.is_finite() else None


def values_equal(got, want):
    """Text, dates and NULL exactly; numbers within relative 1e-9, or absolute
    0.006 for a reference of magnitude >= 1, or 1e-5 below 1."""
    if got == want:
        return True
    g, w = _number(got), _number(want)
    if g is None or w is None:
        return False
    d = abs(g - w)
    if w != 0 and d / abs(w) <= _REL:
        return True
    return d <= (_ABS_BIG if abs(w) >= 1 else _ABS_SMALL)


def compare_rows(got, want):
    """None when equal, else a message naming the first difference."""
    for i, (g, w) in enumerate(zip(got, want)):
        if len(g) != len(w):
            return f"row {i + 1}: got {len(g)} columns, want {len(w)}"
        for j, (a, b) in enumerate(zip(g, w)):
            if not values_equal(a, b):
                return f"row {i + 1}: column {j + 1}: got {a!r}, want {b!r}"
    if len(got) != len(want):
        return f"got {len(got)} rows, want {len(want)}"
    return None
