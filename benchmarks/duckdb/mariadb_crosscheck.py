#!/usr/bin/env python3
r"""Run the e2e/crosscheck corpus on MariaDB and compare with the DuckDB answers.

A second opinion on MySQL semantics for people who add queries to the corpus.
DuckDB produces the checked-in answers; MariaDB (the MySQL-family server that
Debian packages) runs the same SQL with MySQL 8's default sql_mode
(ONLY_FULL_GROUP_BY etc.), MySQL's NULL ordering, DECIMAL division with
div_precision_increment = 4, and MySQL's string semantics. A query whose
MariaDB result differs from the DuckDB answer (beyond the numeric tolerance
of the comparison rules) does not mean the same thing in both dialects and
must be rewritten. Each query runs twice, once on a database with a
case-insensitive collation (utf8mb4_general_ci, as MySQL's default
utf8mb4_0900_ai_ci is) and once with a binary collation: a query whose result
depends on the collation is not portable either.

MariaDB is not MySQL 8: it has no utf8mb4_0900_ai_ci and its ONLY_FULL_GROUP_BY
check is stricter (it rejects some GROUP BY expressions MySQL 8 accepts), so a
failure here is a reason to look, and a pass is evidence, not proof.

Setup (Debian; nothing here runs in CI):

    apt-get install -y mariadb-server
    mkdir -p /tmp/aloft-mariadb/data
    mariadb-install-db --user=root --datadir=/tmp/aloft-mariadb/data \
        --auth-root-authentication-method=normal
    mariadbd --user=root --datadir=/tmp/aloft-mariadb/data --skip-networking \
        --socket=/tmp/aloft-mariadb/mysqld.sock --pid-file=/tmp/aloft-mariadb/mysqld.pid \
        --secure-file-priv='' &

Then, from the repository root:

    python3 benchmarks/duckdb/mariadb_crosscheck.py --load --data /work/data/sf001 \
        --queries e2e/crosscheck/queries --answers e2e/crosscheck/answers-sf001

(--load is needed once; it loads the Parquet files through DuckDB into the
databases aloft_ci and aloft_bin.) Stop the server with
`kill $(cat /tmp/aloft-mariadb/mysqld.pid)`.
"""

import argparse
import glob
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from duckdb_common import compare_rows, read_answer  # noqa: E402

DATABASES = {"aloft_ci": "utf8mb4_general_ci", "aloft_bin": "utf8mb4_bin"}

# MySQL 8.0's default sql_mode.
SQL_MODE = ("SET SESSION sql_mode='ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,"
            "NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';\n")

TYPES = {"BIGINT": "BIGINT", "INTEGER": "INT", "VARCHAR": "VARCHAR(200)", "DATE": "DATE",
         "DECIMAL(15,2)": "DECIMAL(15,2)"}

# Indexes only make the correlated subqueries fast; they change no answer.
INDEXES = {
    "lineitem": "ADD INDEX (l_orderkey, l_linenumber), ADD INDEX (l_partkey, l_suppkey), ADD INDEX (l_suppkey)",
    "orders": "ADD INDEX (o_orderkey), ADD INDEX (o_custkey)",
    "customer": "ADD INDEX (c_custkey), ADD INDEX (c_nationkey)",
    "part": "ADD INDEX (p_partkey), ADD INDEX (p_brand)",
    "partsupp": "ADD INDEX (ps_partkey, ps_suppkey), ADD INDEX (ps_suppkey)",
    "supplier": "ADD INDEX (s_suppkey), ADD INDEX (s_nationkey)",
    "nation": "ADD INDEX (n_nationkey)",
    "region": "ADD INDEX (r_regionkey)",
}


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--socket", default="/tmp/aloft-mariadb/mysqld.sock")
    p.add_argument("--data", help="Parquet directory to load (with --load)")
    p.add_argument("--load", action="store_true", help="(re)create and load the databases first")
    p.add_argument("--queries", required=True)
    p.add_argument("--answers", required=True)
    p.add_argument("--only", default=None, help="run only queries whose name contains this")
    return p.parse_args(argv)


def mariadb(args, sql, db=None):
    cmd = ["mariadb", f"--socket={args.socket}", "-uroot", "-N", "--batch", "--raw"]
    if db:
        cmd.append(db)
    return subprocess.run(cmd, input=sql, capture_output=True, text=True)


def load(args):
    import duckdb

    if not args.data:
        raise SystemExit("--load needs --data")
    con = duckdb.connect()
    tmp = tempfile.mkdtemp(prefix="aloft-mariadb-load-")
    tables = []
    for path in sorted(glob.glob(os.path.join(os.path.abspath(args.data), "*.parquet"))):
        name = os.path.basename(path)[:-len(".parquet")]
        cols = con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
        tsv = os.path.join(tmp, name + ".tsv")
        con.execute(f"COPY (SELECT * FROM read_parquet('{path}')) TO '{tsv}' "
                    "(HEADER false, DELIMITER '\t', QUOTE '', ESCAPE '')")
        tables.append((name, cols, tsv))
    for db, collation in DATABASES.items():
        stmts = [f"DROP DATABASE IF EXISTS {db}",
                 f"CREATE DATABASE {db} CHARACTER SET utf8mb4 COLLATE {collation}",
                 f"USE {db}"]
        for name, cols, tsv in tables:
            stmts.append(f"CREATE TABLE {name} (" +
                         ", ".join(f"{c[0]} {TYPES[c[1]]}" for c in cols) + ")")
            stmts.append(f"LOAD DATA INFILE '{tsv}' INTO TABLE {name} FIELDS TERMINATED BY '\\t' "
                         "ESCAPED BY '' LINES TERMINATED BY '\\n'")
            if name in INDEXES:
                stmts.append(f"ALTER TABLE {name} {INDEXES[name]}")
        p = mariadb(args, ";\n".join(stmts) + ";\n")
        if p.returncode:
            raise SystemExit(p.stderr)
        print(f"loaded {db} ({collation})")


def compare(got, want):
    return compare_rows(got, want)


def main(argv=None):
    args = parse_args(argv if argv is not None else sys.argv[1:])
    if args.load:
        load(args)
    bad = 0
    files = sorted(f for f in os.listdir(args.queries) if f.endswith(".sql"))
    for f in files:
        name = f[:-4]
        if args.only and args.only not in name:
            continue
        with open(os.path.join(args.queries, f), encoding="utf-8") as fh:
            sql = fh.read()
        want = read_answer(os.path.join(args.answers, name + ".csv"))
        for db in DATABASES:
            p = mariadb(args, SQL_MODE + sql, db)
            if p.returncode:
                print(f"{name} [{db}]: ERROR {p.stderr.strip().splitlines()[-1]}")
                bad += 1
                continue
            got = [line.split("\t") for line in p.stdout.split("\n") if line != ""]
            msg = compare(got, want)
            if msg:
                print(f"{name} [{db}]: {msg}")
                bad += 1
    print(f"{len(files)} queries, {bad} mismatches")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
