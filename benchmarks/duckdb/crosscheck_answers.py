#!/usr/bin/env python3
r"""Generate (or check) the answers of the e2e/crosscheck query corpus with DuckDB.

Each NNN_name.sql in --queries is run over the Parquet files in --data, with
NULLs ordered the way MySQL orders them (first in ascending order, last in
descending order), and the result is written to --out/NNN_name.csv: header
row, NULL written as NULL, dates YYYY-MM-DD, numbers in plain notation.

    python3 benchmarks/duckdb/crosscheck_answers.py --data /work/data/sf001 \
        --queries e2e/crosscheck/queries --out e2e/crosscheck/answers-sf001

With --check the answers in --out are not rewritten: fresh answers are
compared with them byte for byte and the script exits 1 on any difference
(use it to confirm that regenerated data still matches the checked-in answers).

The script also enforces the corpus rules it can see: one statement per file,
an ORDER BY in every query that returns more than one row, no boolean output
columns, at most --max-rows rows.
"""

import argparse
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from duckdb_common import connect, read_statement, write_csv  # noqa: E402

NAME_RE = re.compile(r"^\d{3}_[a-z0-9_]+\.sql$")


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="directory with <table>.parquet files (scale 0.01 for the checked-in answers)")
    p.add_argument("--queries", required=True, help="directory with NNN_name.sql files")
    p.add_argument("--out", required=True, help="directory for NNN_name.csv answers")
    p.add_argument("--check", action="store_true", help="compare with the answers in --out instead of writing them")
    p.add_argument("--max-rows", type=int, default=100, help="fail on a result with more rows (default 100)")
    p.add_argument("--threads", type=int, default=2, help="DuckDB threads (default 2)")
    return p.parse_args(argv)


def lint(name, sql):
    problems = []
    if not NAME_RE.match(name):
        problems.append("file name is not NNN_lowercase_name.sql")
    body = re.sub(r"'[^']*'", "''", sql)  # ignore string literals
    if ";" in body:
        problems.append("more than one statement")
    if '"' in body or "`" in body:
        problems.append("double quotes or backticks (mean different things in MySQL and DuckDB)")
    if "||" in body:
        problems.append("|| is OR in MySQL, concatenation in DuckDB")
    if "::" in body:
        problems.append(":: casts are DuckDB-only")
    if re.search(r"\bilike\b|\bfull\s+(outer\s+)?join\b|\bdiv\b|\bdatediff\b|\bdate_format\b|\bdayofweek\b",
                 body, re.I):
        problems.append("construct outside the shared MySQL/DuckDB subset")
    return problems


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    files = sorted(f for f in os.listdir(args.queries) if f.endswith(".sql"))
    if not files:
        raise SystemExit(f"no .sql files in {args.queries}")
    con = connect(args.data, threads=args.threads, mysql_null_order=True)
    out_dir = args.out
    if args.check:
        tmp = tempfile.TemporaryDirectory()
        out_dir = tmp.name
    else:
        os.makedirs(out_dir, exist_ok=True)

    failures = 0
    for f in files:
        name = f[:-4]
        sql = read_statement(os.path.join(args.queries, f))
        problems = lint(f, sql)
        try:
            cur = con.execute(sql)
            rows = cur.fetchall()
            columns = [d[0] for d in cur.description]
        except Exception as e:  # noqa: BLE001 - report and go on
            print(f"{name}: ERROR {e}".splitlines()[0])
            failures += 1
            continue
        if len(rows) > 1 and not re.search(r"\border\s+by\b", sql, re.I):
            problems.append(f"{len(rows)} rows but no ORDER BY")
        if len(rows) > args.max_rows:
            problems.append(f"{len(rows)} rows (more than {args.max_rows})")
        if any(isinstance(v, bool) for r in rows for v in r):
            problems.append("boolean output column")
        if problems:
            print(f"{name}: " + "; ".join(problems))
            failures += 1
            continue
        path = os.path.join(out_dir, name + ".csv")
        write_csv(path, columns, rows, allow_bool=False)
        if args.check:
            ref = os.path.join(args.out, name + ".csv")
            if not os.path.exists(ref):
                print(f"{name}: no checked-in answer {ref}")
                failures += 1
            else:
                with open(path, "rb") as a, open(ref, "rb") as b:
                    if a.read() != b.read():
                        print(f"{name}: answer differs from {ref}")
                        failures += 1
        print(f"{name}  {len(rows)} rows")

    if args.check:
        stale = sorted(set(x[:-4] for x in os.listdir(args.out) if x.endswith(".csv")) -
                       set(f[:-4] for f in files))
        for s in stale:
            print(f"{s}: answer without a query")
            failures += 1
    elif failures == 0:
        # Remove answers whose query is gone.
        names = set(f[:-4] for f in files)
        for x in os.listdir(out_dir):
            if x.endswith(".csv") and x[:-4] not in names:
                os.remove(os.path.join(out_dir, x))
    print(f"{len(files)} queries, {failures} with problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
