#!/usr/bin/env python3
r"""Time the 22 TPC-H queries on DuckDB over a directory of Parquet files.

The reference point for `aloft bench tpch`: same data, same queries, same
report (a line per query with the median, min and max of --runs runs and the
row count; then the total of the medians), same JSON fields.

    python3 benchmarks/duckdb/tpch_duckdb.py --data /work/data/sf1
    python3 benchmarks/duckdb/tpch_duckdb.py --data /work/data/sf1 --query 1 --query 6 --runs 5
    python3 benchmarks/duckdb/tpch_duckdb.py --data /work/data/sf1 --check ../shared/tpch/answers-sf1 --json
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

from duckdb_common import (compare_rows, connect, format_row, read_answer,  # noqa: E402
                           read_statement, write_csv)

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
    p.add_argument("--queries", "--queries-dir", dest="queries", default=None,
                   help="directory with q01.sql .. q22.sql (default: %s)" % default_queries_dir())
    p.add_argument("--query", type=int, action="append", default=None,
                   help="query number to run, 1-22; repeat for several (default all)")
    p.add_argument("--runs", type=int, default=3, help="runs per query; the median is reported (default 3)")
    p.add_argument("--threads", type=int, default=2, help="DuckDB threads (default 2)")
    p.add_argument("--check", metavar="ANSWERS_DIR", default=None,
                   help="compare each result with qNN.csv in ANSWERS_DIR (shared/tpch/README.md's rules)")
    p.add_argument("--json", action="store_true", help="print a JSON document instead of a table")
    p.add_argument("--out-answers", metavar="DIR", default=None,
                   help="write each query's result to DIR/qNN.csv (header row, NULL as NULL)")
    return p.parse_args(argv)


def run_query(con, n, sql, args):
    r = {"query": n, "times_s": [], "cpu_times_s": [], "median_s": 0.0, "rows": 0}
    rows = columns = None
    for _ in range(args.runs):
        start = time.perf_counter()
        cpu_start = time.process_time()
        try:
            cur = con.execute(sql)
            rows = cur.fetchall()
        except duckdb.Error as e:
            r["error"] = str(e).splitlines()[0]
            return r
        r["times_s"].append(round(time.perf_counter() - start, 6))
        r["cpu_times_s"].append(round(time.process_time() - cpu_start, 6))
        columns = [d[0] for d in cur.description]
    r["median_s"] = round(statistics.median(r["times_s"]), 6)
    r["cpu_median_s"] = round(statistics.median(r["cpu_times_s"]), 6)
    r["rows"] = len(rows)
    if args.out_answers:
        write_csv(os.path.join(args.out_answers, "q%02d.csv" % n), columns, rows)
    if args.check:
        msg = compare_rows([format_row(x) for x in rows],
                           read_answer(os.path.join(args.check, "q%02d.csv" % n)))
        r["check"] = "fail" if msg else "pass"
        if msg:
            r["error"] = msg
    return r


def print_query(r):
    name = "Q%02d" % r["query"]
    if not r["times_s"]:
        print("%-5s %10s %10s %10s %8s  error: %s" % (name, "-", "-", "-", "-", r.get("error", "")), flush=True)
        return
    check = r.get("check", "")
    if r.get("error"):
        check += ": " + r["error"]
    line = "%-5s %10.3f %10.3f %10.3f %8d  %s" % (name, r["median_s"], min(r["times_s"]),
                                                  max(r["times_s"]), r["rows"], check)
    print(line.rstrip(), flush=True)


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    qdir = args.queries or default_queries_dir()
    if args.runs < 1:
        raise SystemExit("--runs: must be at least 1")
    numbers = args.query or list(range(1, 23))
    texts = {}
    for n in numbers:
        if not 1 <= n <= 22:
            raise SystemExit(f"no TPC-H query {n} (there are 1 to 22)")
        texts[n] = read_statement(os.path.join(qdir, "q%02d.sql" % n))
    con = connect(args.data, threads=args.threads)
    if args.out_answers:
        os.makedirs(args.out_answers, exist_ok=True)

    report = {"benchmark": "tpch", "engine": "duckdb " + duckdb.__version__,
              "data": args.data, "queries_dir": qdir, "runs": args.runs, "threads": args.threads,
              "queries": [], "total_median_s": 0.0, "total_cpu_median_s": 0.0, "failed": 0}
    if not args.json:
        print(f"TPC-H on {args.data}: duckdb {duckdb.__version__}, {args.threads} threads, "
              f"{args.runs} runs per query")
        print("%-5s %10s %10s %10s %8s  %s" % ("query", "median s", "min s", "max s", "rows", "check"))
    for n in numbers:
        r = run_query(con, n, texts[n], args)
        report["queries"].append(r)
        report["total_median_s"] = round(report["total_median_s"] + r["median_s"], 6)
        report["total_cpu_median_s"] = round(report["total_cpu_median_s"] + r.get("cpu_median_s", 0), 6)
        if r.get("error") or r.get("check") == "fail":
            report["failed"] += 1
        if not args.json:
            print_query(r)
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print("total of medians: %.3f s (%d queries, %d failed)"
              % (report["total_median_s"], len(report["queries"]), report["failed"]))
    return 1 if report["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
