"""`make bench`: every main page measured over HTTP against a bare baseline view.

The pieces: guard (the bench's own database, nothing else), fill (100,000 members with bulk
inserts, then ANALYZE), wrk (the load tool's command and its output), procstat (CPU time of
gunicorn workers and PostgreSQL backends from /proc), run (the whole measurement). Run it with
`make bench` or `python -m bench`; README's "Benchmark" section lists the settings.
`make bench-load` is load_run (the stack under mixed traffic, then the checks), with load (the
driver and the checks, also run by the suite) and smtp_sink (the SMTP server that counts).
"""
