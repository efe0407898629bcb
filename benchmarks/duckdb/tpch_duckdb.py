#!/usr/bin/env python3
r"""Time the 22 TPC-H queries on DuckDB over a directory of Parquet files.

The reference point for `aloft bench tpch`: same data, same queries, same
output shape (one line per query with the median time and the row count, then
the total of the medians).

    python3 benchmarks/duckdb/tpch_duckdb.py --data /work/data/sf1
    python3 benchmarks/duckdb/tpch_duckdb.py --data /work/data/sf1 --json
    python3 benchmarks/duckdb/tpch_duckdb.py --data /work/data/sf01 --runs 1 \
        --out-answers /tmp/answers-sf01
"""

import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import duckdb  # noqa: E402

from duckdb_common import connect, read_statement, write_csv  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def default_queries_dir():
    candidates = [
        "/work/shared/tpch/queries",
        os.path.join(REPO, "..", "shared", "tpch", "queries"),
        os.path.join(REPO, "benchmarks", "tpch", "queries"),
    ]
    for c in candidates:
        if os.path.isfile(os.path.join(c, "q01.sql")):
            return os.path.normpath(c)
    return os.path.normpath(candidates[0])


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", required=True, help="directory with <table>.parquet files")
    p.add_argument("--queries", default=None,
                   help="directory with q01.sql .. q22.sql (default: %s)" % default_queries_dir())
    p.add_argument("--runs", type=int, default=3, help="runs per query; the median is reported (default 3)")
    p.add_argument("--threads", type=int, default=2, help="DuckDB threads (default 2)")
    p.add_argument("--json", action="store_true", help="print machine-readable JSON instead of text")
    p.add_argument("--out-answers", metavar="DIR", default=None,
                   help="write each query's result to DIR/qNN.csv (header row, NULL as NULL)")
    p.add_argument("--only", default=None,
                   help="comma-separated query names or numbers to run (e.g. 1,6,q18)")
    return p.parse_args(argv)


def query_names(qdir, only):
    names = sorted(f[:-4] for f in os.listdir(qdir) if f.endswith(".sql"))
    if only:
        want = set()
        for tok in only.split(","):
            tok = tok.strip().lower()
            if tok.isdigit():
                tok = "q%02d" % int(tok)
            want.add(tok)
        names = [n for n in names if n in want]
    return names


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    qdir = args.queries or default_queries_dir()
    if args.runs < 1:
        raise SystemExit("--runs must be at least 1")
    names = query_names(qdir, args.only)
    if not names:
        raise SystemExit(f"no queries found in {qdir}")
    con = connect(args.data, threads=args.threads)
    if args.out_answers:
        os.makedirs(args.out_answers, exist_ok=True)

    results = []
    for name in names:
        sql = read_statement(os.path.join(qdir, name + ".sql"))
        times = []
        rows = None
        columns = None
        for _ in range(args.runs):
            start = time.perf_counter()
            cur = con.execute(sql)
            rows = cur.fetchall()
            times.append(time.perf_counter() - start)
            columns = [d[0] for d in cur.description]
        med = statistics.median(times)
        results.append({"query": name, "median_s": med, "runs_s": times, "rows": len(rows)})
        if args.out_answers:
            write_csv(os.path.join(args.out_answers, name + ".csv"), columns, rows)
        if not args.json:
            print(f"{name}  {med:.3f} s  {len(rows)} rows", flush=True)
    total = sum(r["median_s"] for r in results)
    if args.json:
        print(json.dumps({
            "engine": "duckdb",
            "version": duckdb.__version__,
            "data": os.path.abspath(args.data),
            "queries_dir": os.path.abspath(qdir),
            "threads": args.threads,
            "runs": args.runs,
            "queries": results,
            "total_s": total,
        }, indent=2))
    else:
        print(f"total  {total:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
