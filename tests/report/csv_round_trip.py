#!/usr/bin/env python3
"""Reads every CSV file of a results folder with Python's csv module (an independent RFC 4180
parser) and checks that each row has the header's field count, and that accounts.csv holds every
clustered account's id and screen name exactly as users.csv gave them (hostile bytes, 1 MB names
and all). With --safe SAFE_DIR, SAFE_DIR is the same run with --csv-safe: its text cells equal the
exact ones, with a leading ' on exactly those that a spreadsheet would read as a formula.
Usage: csv_round_trip.py USERS_CSV RESULTS_DIR [--safe SAFE_DIR]"""
import csv
import os
import sys

csv.field_size_limit(sys.maxsize)
FORMULA_FIRST = ("=", "+", "-", "@", "\t", "\r")


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f, strict=True))
    header, body = rows[0], rows[1:]
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            sys.exit(f"FAIL: {path} record {number} has {len(row)} fields, "
                     f"the header {len(header)}")
    return header, body


def column(header, body, name):
    i = header.index(name)
    return [row[i] for row in body]


def main():
    users_csv, results = sys.argv[1], sys.argv[2]
    safe = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--safe" else None
    files = sorted(f for f in os.listdir(results) if f.endswith(".csv"))
    for name in files:
        read(os.path.join(results, name))
    header, users = read(users_csv)
    name_of = dict(zip(column(header, users, "userid"), column(header, users, "user_screen_name")))
    header, accounts = read(os.path.join(results, "accounts.csv"))
    ids = column(header, accounts, "account_id")
    names = column(header, accounts, "screen_name")
    clusters = column(header, accounts, "cluster_id")
    checked = 0
    for account, name, cluster in zip(ids, names, clusters):
        if account not in name_of:
            sys.exit(f"FAIL: accounts.csv has {account!r}, which users.csv does not")
        if name != name_of[account]:
            sys.exit(f"FAIL: {account}'s screen name changed: "
                     f"{name[:80]!r} != {name_of[account][:80]!r}")
        checked += cluster != ""
    longest = max(len(n.encode()) for n in names)
    print(f"csv: {len(files)} files read back, {len(ids)} accounts ({checked} clustered) with the "
          f"same ids and names as users.csv, longest name {longest} bytes")
    if safe is None:
        return
    guarded = 0
    for name in files:
        header, exact_rows = read(os.path.join(results, name))
        safe_header, safe_rows = read(os.path.join(safe, name))
        if header != safe_header or len(exact_rows) != len(safe_rows):
            sys.exit(f"FAIL: {name} has other rows with --csv-safe")
        for exact_row, safe_row in zip(exact_rows, safe_rows):
            for exact, cell in zip(exact_row, safe_row):
                formula = exact.startswith(FORMULA_FIRST) and not _is_number(exact)
                if cell != ("'" + exact if formula else exact):
                    sys.exit(f"FAIL: {name}: {exact[:60]!r} was written {cell[:60]!r} "
                             "with --csv-safe")
                guarded += formula
    if guarded == 0:
        sys.exit("FAIL: no cell needed a guard: the world holds no formulas")
    print(f"csv-safe: {guarded} formula cells guarded with ', every other cell unchanged")


def _is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


if __name__ == "__main__":
    main()
