"""Gunicorn settings for one app server (deploy/systemd/dwcn-web@.service).

Two workers per core: a request mostly waits on PostgreSQL or computes argon2 for a
login, and the database's connection limit is shared by every server (each worker
holds a pool of up to SQLAlchemy's default 5 + 10 connections). docs/operations.md
gives the capacity plan.
"""

import multiprocessing

workers = 2 * multiprocessing.cpu_count()
worker_class = "sync"
# nginx buffers slow clients, so a sync worker is never held by a slow upload.
timeout = 30
graceful_timeout = 25
keepalive = 5
max_requests = 10000
max_requests_jitter = 1000
# Access lines go to the journal; nginx keeps the client's address.
accesslog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
forwarded_allow_ips = "127.0.0.1"
