"""Benchmark-only middleware: reports a request's SQL queries, wall time and worker CPU time in response headers."""

import time

from django.db import connections


class QueryCountMiddleware:
    """Outermost middleware: its figures cover every other middleware, the upload's parsing and the view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = {"n": 0}

        def count(execute, sql, params, many, context):
            counter["n"] += 1
            return execute(sql, params, many, context)

        wrappers = [connections[alias].execute_wrapper(count) for alias in connections]
        started, cpu_started = time.perf_counter(), time.process_time()
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        response["X-Bench-Queries"] = str(counter["n"])
        response["X-Bench-Time-Ms"] = f"{(time.perf_counter() - started) * 1000:.1f}"
        # A sync worker serves one request at a time, so the process's CPU time is this request's.
        response["X-Bench-CPU-Ms"] = f"{(time.process_time() - cpu_started) * 1000:.1f}"
        return response
