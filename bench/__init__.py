"""The benchmark of issue #9: ``make bench`` (``python -m bench.run``).

It builds a network the size of the largest city networks in a fresh database
migrated with Alembic (13,000 member cities, 30,000 accounts, 300 declarations with
150,000 signatures, one of them with 13,000, 2,000 resolutions and a vote with 13,000
ballots) and prints, each with its target and PASS or MISS:

- the SQL statements each public page and API route runs, on a small and on the full
  dataset (they must not grow with the data; at most 10);
- the median and 95th-percentile server time of each route (Flask test client in
  process, SQLite; p95 at most 50 ms);
- the throughput of the public pages under gunicorn (2 workers) on PostgreSQL, as a
  ratio to a bare route of the same app, with ``PUBLIC_CACHE=0`` and ``=1``;
- the tally time of the 13,000-ballot vote (approval, and instant-runoff with 10
  candidates beside pyrankvote);
- the memory growth while exporting the 13,000 signatures as CSV.

``BENCH_SCALE=0.1`` builds a tenth of everything, for a quick run while developing.
The run exits 0 when targets are missed (the figures are the deliverable) and
non-zero when the benchmark itself breaks.
"""
