"""Run jobs at the same instant, each in its own thread on its own database connection, as
web and Celery workers would: a barrier releases them together."""

import threading

from django.db import connection


def run_together(jobs):
    """Each job's result, or the exception it raised, in the order of `jobs`."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            results[index] = job()
        except Exception as error:  # the outcome under test, e.g. a refusal
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
