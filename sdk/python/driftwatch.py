"""Driftwatch client for Python: experiment tracking and prediction logging.

One module, standard library only: vendor it (copy this file next to your code). Works with
Python 3.8+.

Tracking, as omega-ml does it::

    import driftwatch
    dw = driftwatch.connect('http://localhost:8080')    # or DRIFTWATCH_URL
    with dw.experiment('myexp') as exp:                  # a run starts and stops here
        exp.log_metric('accuracy', 0.5, step=1)
        exp.log_param('batchsize', 1)
        exp.log_artifact(model, 'model.pkl')
    exp.data(run=-1, event='metric')                     # a list of dicts

Code written for omega-ml (``om.runtime.experiment(...)``) runs with ``om = driftwatch.connect()``
in place of ``import omegaml as om``.

Prediction logging, in the background, never blocking the model::

    logger = dw.prediction_logger(endpoint=endpoint_id)
    @logger.monitor
    def predict(features): ...
"""
from __future__ import annotations

import atexit
import functools
import gzip
import json
import math
import os
import pickle
import platform
import random
import re
import socket
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import warnings
import http.client
from collections import deque
from datetime import date, datetime, timedelta, timezone

__version__ = '0.1.0'

__all__ = [
    'connect', 'Driftwatch', 'Experiment', 'PredictionLogger', 'BackgroundProfiler', 'RetryPolicy',
    'DriftwatchError', 'RequestError', 'BadRequestError', 'AuthenticationError', 'PermissionDeniedError',
    'NotFoundError', 'ConflictError', 'PayloadTooLargeError', 'UnprocessableError', 'ServerError',
    'NetworkError', 'PROFILE_EVENT', 'MAX_EVENTS_PER_REQUEST',
]

DEFAULT_URL = 'http://localhost:8080'
#: the ``event`` of profiling samples, as omega-ml's profiling provider names it
PROFILE_EVENT = 'profile'
#: the server's limit of events per POST .../events
MAX_EVENTS_PER_REQUEST = 10000
PICKLE_CONTENT_TYPE = 'application/x-python-pickle'
# Rounds of "drop the event the server named and resend the rest" before giving up on a batch.
_MAX_REJECTION_ROUNDS = 10


# --------------------------------------------------------------------------------------- errors

class DriftwatchError(Exception):
    """Base class of everything this module raises."""


class RequestError(DriftwatchError):
    """The server refused the request (4xx); repeating it cannot succeed.

    ``server_message`` is the server's ``error`` text, ``details`` its ``details`` (e.g. which
    fields of a 400 were invalid).
    """

    def __init__(self, status, method, path, server_message, details=None):
        self.status = status
        self.method = method
        self.path = path
        self.server_message = server_message
        self.details = details
        issues = ''
        if isinstance(details, list):
            parts = ['%s: %s' % (d['path'], d['message']) for d in details
                     if isinstance(d, dict) and 'path' in d and 'message' in d]
            issues = ' (%s)' % '; '.join(parts) if parts else ''
        super().__init__('%s %s %s: %s%s' % (status, method, path, server_message, issues))


class BadRequestError(RequestError):
    """400"""


class AuthenticationError(RequestError):
    """401: no key, or a bad or revoked one"""


class PermissionDeniedError(RequestError):
    """403: the key lacks the scope or the project"""


class NotFoundError(RequestError):
    """404"""


class ConflictError(RequestError):
    """409, e.g. clearing an experiment without force=True"""


class PayloadTooLargeError(RequestError):
    """413"""


class UnprocessableError(RequestError):
    """422"""


_ERROR_BY_STATUS = {400: BadRequestError, 401: AuthenticationError, 403: PermissionDeniedError,
                    404: NotFoundError, 409: ConflictError, 413: PayloadTooLargeError,
                    422: UnprocessableError}


class ServerError(DriftwatchError):
    """The server answered 5xx (after the retries that status allows)."""

    def __init__(self, status, method, path, server_message, attempts):
        self.status = status
        self.method = method
        self.path = path
        self.server_message = server_message
        self.attempts = attempts
        super().__init__('%s %s %s: %s (after %d attempt%s)' % (
            status, method, path, server_message, attempts, '' if attempts == 1 else 's'))


class NetworkError(DriftwatchError):
    """The server could not be reached, or the connection broke (after retries).

    ``maybe_delivered`` is False only when no connection was made, so the server cannot have
    acted on the request.
    """

    def __init__(self, message, method, path, maybe_delivered, attempts):
        self.method = method
        self.path = path
        self.maybe_delivered = maybe_delivered
        self.attempts = attempts
        super().__init__('%s %s: %s (after %d attempt%s)' % (
            method, path, message, attempts, '' if attempts == 1 else 's'))


# --------------------------------------------------------------------------------------- values

def _jsonable(value, nonfinite='text'):
    """A JSON-ready copy of ``value``: numpy and pandas values become plain ones.

    JSON has no NaN or infinity; ``nonfinite='text'`` sends them as 'NaN'/'Infinity' (metrics keep
    the information), ``nonfinite=None`` as null (a missing feature value).
    """
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        if nonfinite is None:
            return None
        return 'NaN' if math.isnan(value) else ('Infinity' if value > 0 else '-Infinity')
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v, nonfinite) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset, deque)):
        return [_jsonable(v, nonfinite) for v in value]
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, date):
        return value.isoformat()
    to_dict = getattr(value, 'to_dict', None)
    if callable(to_dict):
        # pandas: a DataFrame as records, a Series as {index: value}
        try:
            return _jsonable(to_dict(orient='records'), nonfinite)
        except TypeError:
            return _jsonable(to_dict(), nonfinite)
    tolist = getattr(value, 'tolist', None)
    if callable(tolist):
        # numpy arrays and numpy scalars
        return _jsonable(tolist(), nonfinite)
    raise TypeError('%s cannot be sent as JSON; log it with log_artifact() instead' % type(value).__name__)


def _iso(when):
    """ISO-8601 with an offset; naive datetimes are taken as UTC (as omega-ml's utcnow() ones are)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.isoformat()


def _time_param(value):
    """A time for a query: datetime, timedelta (that long ago), epoch ms, or text like '5h'."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, timedelta):
        return '%ds' % max(1, int(value.total_seconds()))
    return str(value)


def _parse_dt(text):
    if not isinstance(text, str):
        return text
    try:
        # fromisoformat() accepts "Z" only from Python 3.11 on
        return datetime.fromisoformat(text.replace('Z', '+00:00'))
    except ValueError:
        return text


def _run_selector(run):
    """omega-ml's run argument as the server's selector: 3, -1, 'all'/'*', [1, 2], slice(2, 5)."""
    if run is None:
        return None
    if isinstance(run, str):
        return 'all' if run.strip() in ('*', 'all') else run
    if isinstance(run, slice):
        return '%d-%d' % (run.start or 1, run.stop)
    if isinstance(run, (list, tuple, set)):
        return ','.join(str(int(r)) for r in run)
    return str(int(run))


def _listing(value):
    if value is None:
        return None
    if isinstance(value, str) and value.strip() in ('*', 'all'):
        return None
    if isinstance(value, (list, tuple, set)):
        return ','.join(str(v) for v in value)
    return str(value)


def _columns(spec):
    """Column specs from [{'name', 'kind'}], [(name, kind)] or {name: kind}."""
    if spec is None:
        return None
    if isinstance(spec, dict):
        return [{'name': name, 'kind': kind} for name, kind in spec.items()]
    return [dict(c) if isinstance(c, dict) else {'name': c[0], 'kind': c[1]} for c in spec]


# --------------------------------------------------------------------------------------- HTTP core

class RetryPolicy(object):
    """How often and how patiently to retry 503s, gateway errors and network failures.

    ``attempts`` counts every try, the first included; the delay before try n+1 is drawn from
    [c/2, c] with c = min(max_delay, initial_delay * 2**(n-1)) seconds.
    """

    def __init__(self, attempts=5, initial_delay=0.2, max_delay=5.0):
        if attempts < 1:
            raise ValueError('attempts must be at least 1')
        self.attempts = attempts
        self.initial_delay = initial_delay
        self.max_delay = max_delay

    def delay(self, failed_attempt):
        ceiling = min(self.max_delay, self.initial_delay * 2 ** (failed_attempt - 1))
        return ceiling / 2 + random.random() * ceiling / 2

    def __repr__(self):
        return 'RetryPolicy(attempts=%d, initial_delay=%s, max_delay=%s)' % (
            self.attempts, self.initial_delay, self.max_delay)


_IDEMPOTENT_METHODS = frozenset(['GET', 'HEAD', 'PUT', 'DELETE'])
_GATEWAY_STATUSES = frozenset([502, 504])


def _never_connected(exc):
    """True when the failure happened before a connection existed: always safe to repeat."""
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    return isinstance(reason, (ConnectionRefusedError, socket.gaierror))


def _describe(exc):
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    return '%s: %s' % (type(reason).__name__, reason)


class Driftwatch(object):
    """A connection to a Driftwatch server.

    Args:
        url: default ``DRIFTWATCH_URL``, else http://localhost:8080
        api_key: sent as ``Authorization: Bearer``; default ``DRIFTWATCH_API_KEY``
        project: for experiments and endpoints; default ``DRIFTWATCH_PROJECT``, else 'default'
        retry: a RetryPolicy
        timeout: seconds per try
        node: recorded as the events' node; default the host name
        data_frames: make ``exp.data()`` return pandas DataFrames (pandas must be installed)
        on_retry: called as ``on_retry(method, path, attempt, delay, reason)`` before each retry
    """

    def __init__(self, url=None, api_key=None, project=None, retry=None, timeout=30.0, node=None,
                 data_frames=False, on_retry=None):
        self.url = (url or os.environ.get('DRIFTWATCH_URL') or DEFAULT_URL).rstrip('/')
        self.api_key = api_key if api_key is not None else (os.environ.get('DRIFTWATCH_API_KEY') or None)
        self.project = project or os.environ.get('DRIFTWATCH_PROJECT') or 'default'
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        self.node = node or os.environ.get('HOSTNAME') or platform.node()
        self.data_frames = data_frames
        self.on_retry = on_retry
        self._opener = urllib.request.build_opener()

    def __repr__(self):
        return 'Driftwatch(%r, project=%r)' % (self.url, self.project)

    @property
    def runtime(self):
        """omega-ml spells it ``om.runtime.experiment(...)``; here the client is its own runtime."""
        return self

    # ----------------------------------------------------------------- tracking

    def experiment(self, name, provider=None, project=None, flush_interval=1.0, profiling_interval=5.0):
        """An experiment handle; use it as a context manager to run (see Experiment)."""
        return Experiment(self, name, provider=provider, project=project, flush_interval=flush_interval,
                          profiling_interval=profiling_interval)

    def list_experiments(self, projects=None):
        query = {'project': ','.join(projects)} if projects else None
        return self.request('GET', '/api/v1/experiments', query=query)['experiments']

    # ----------------------------------------------------------------- monitoring

    def register_endpoint(self, model, version=None, function=None, project=None, model_class=None,
                          labels=None, features=None, prediction_columns=None, label_columns=None,
                          thresholds=None, monitoring=None):
        """Registers a deployed model, or updates the one with the same identity. Returns it (with ``id``).

        ``features`` and ``prediction_columns``: ``{name: 'numeric'|'categorical'}`` or a list of
        ``{'name', 'kind'}``.
        """
        spec = {'project': project or self.project, 'model': model, 'version': version, 'function': function,
                'modelClass': model_class, 'labels': labels, 'features': _columns(features),
                'predictionColumns': _columns(prediction_columns), 'labelColumns': label_columns,
                'thresholds': thresholds, 'monitoring': monitoring}
        body = {k: v for k, v in spec.items() if v is not None}
        # keyed by a hash of its identity: repeating it cannot create a second endpoint
        return self.request('POST', '/api/v1/endpoints', json_body=body, idempotent=True)

    def get_endpoint(self, endpoint_id):
        return self.request('GET', '/api/v1/endpoints/%s' % urllib.parse.quote(endpoint_id, safe=''))

    def register_reference(self, endpoint_id, rows, features=None, prediction_columns=None, label_columns=None,
                           categorical=None):
        """Stores training rows (a list of dicts, or a DataFrame) as the endpoint's reference."""
        body = {'rows': _jsonable(rows, nonfinite=None)}
        if features is not None:
            body['features'] = _columns(features)
        if prediction_columns is not None:
            body['predictionColumns'] = _columns(prediction_columns)
        if label_columns is not None:
            body['labelColumns'] = list(label_columns)
        if categorical is not None:
            body['categorical'] = list(categorical)
        # each PUT stores a new version: a blind repeat would add a duplicate one
        return self.request('PUT', '/api/v1/endpoints/%s/reference' % urllib.parse.quote(endpoint_id, safe=''),
                            json_body=body, idempotent=False)

    def set_reference(self, endpoint_id, source=None, experiment=None, run=None, artifact=None, project=None,
                      prediction_columns=None, label_columns=None, categorical=None, progress=None):
        """Makes training data of any size the endpoint's reference, streamed (never held in memory).

        ``source`` is a file path (CSV, or NDJSON when named .ndjson/.jsonl; gzip when compressed),
        a binary file object of CSV bytes, or any iterable of rows (dicts), written to a temporary
        gzip-compressed NDJSON file first. Or name a data artifact logged in an experiment run
        (``experiment``, ``run``, ``artifact``): the proxy reads it where it is stored and records
        its lineage. ``progress``: a callable(sent_bytes, total_bytes), or True for a line on
        stderr at every 10%. Returns the stored reference version.
        """
        path = '/api/v1/endpoints/%s/reference' % urllib.parse.quote(endpoint_id, safe='')
        if (source is None) == (artifact is None):
            raise ValueError('give either a source or experiment, run and artifact')
        if source is None:
            if experiment is None or run is None:
                raise ValueError('a run artifact needs experiment, run and artifact')
            body = {'experiment': experiment, 'run': int(run), 'artifact': artifact}
            for key, value in (('project', project), ('prediction', prediction_columns), ('label', label_columns),
                               ('categorical', categorical)):
                if value is not None:
                    body[key] = value if key == 'project' else list(value)
            return self.request('PUT', path, json_body=body, idempotent=False, timeout=None)
        query = {'prediction': _listing(prediction_columns), 'label': _listing(label_columns),
                 'categorical': _listing(categorical)}
        report = _progress_printer() if progress is True else progress
        if isinstance(source, (str, os.PathLike)):
            name = os.fspath(source)
            kind = 'application/x-ndjson' if _NDJSON_NAME.search(name) else 'text/csv'
            with open(name, 'rb') as handle:
                return self._upload_reference(path, query, _ProgressReader(handle, report), kind)
        if hasattr(source, 'read') and callable(source.read):
            return self._upload_reference(path, query, _ProgressReader(source, report), 'text/csv')
        with tempfile.TemporaryFile() as spool:
            with gzip.GzipFile(fileobj=spool, mode='wb', compresslevel=1) as compressed:
                for row in source:
                    compressed.write(json.dumps(_jsonable(row, nonfinite=None), allow_nan=False).encode('utf-8'))
                    compressed.write(b'\n')
            spool.seek(0)
            return self._upload_reference(path, query, _ProgressReader(spool, report), 'application/x-ndjson')

    def _upload_reference(self, path, query, reader, content_type):
        # each PUT stores a new version: a blind repeat would add a duplicate one
        # without a length (a pipe) urllib sends the body chunked
        headers = {'Content-Length': str(reader.total)} if reader.total is not None else None
        return self.request('PUT', path, query=query, body=reader, content_type=content_type, idempotent=False,
                            timeout=None, headers=headers)

    def log_predictions(self, events, endpoint=None, model=None, version=None, function=None, batch_id=None):
        """Sends prediction events now, as one batch; ``events`` are dicts of PredictionLogger.log()'s
        arguments. The batch id makes a retried send count once."""
        target = _target(endpoint, model, version, function, None)
        now = int(time.time() * 1000)
        wire = [_prediction_event(target, now=now, **e) for e in events]
        body = {'batchId': batch_id or str(uuid.uuid4()), 'project': self.project, 'events': wire}
        return self.request('POST', '/api/v1/predictions', json_body=body, idempotent=True)

    def log_labels(self, labels, endpoint=None):
        """Ground truth by request id: ``[(request_id, label), ...]`` or ``[{'requestId': .., 'label': ..}]``."""
        items = []
        for item in labels:
            if isinstance(item, dict):
                entry = {'requestId': item.get('requestId', item.get('request_id')), 'label': item['label']}
            else:
                entry = {'requestId': item[0], 'label': item[1]}
            entry['label'] = _jsonable(entry['label'], nonfinite=None)
            if endpoint is not None:
                entry['endpoint'] = endpoint
            items.append(entry)
        # safe to repeat: the server counts a prediction's label once
        return self.request('POST', '/api/v1/labels', json_body=items, idempotent=True)

    def drift(self, endpoint_id, from_=None, to=None, baseline_from=None, baseline_to=None):
        """The drift report of a window (default: the last hour) against the reference."""
        query = {'from': _time_param(from_), 'to': _time_param(to),
                 'baselineFrom': _time_param(baseline_from), 'baselineTo': _time_param(baseline_to)}
        return self.request('GET', '/api/v1/endpoints/%s/drift' % urllib.parse.quote(endpoint_id, safe=''),
                            query=query)

    def endpoint_metrics(self, endpoint_id, from_=None, to=None, step=None):
        query = {'from': _time_param(from_), 'to': _time_param(to), 'step': step}
        return self.request('GET', '/api/v1/endpoints/%s/metrics' % urllib.parse.quote(endpoint_id, safe=''),
                            query=query)

    def prediction_logger(self, endpoint=None, model=None, version=None, function=None, model_class=None,
                          **options):
        """A background logger for prediction events; see PredictionLogger."""
        return PredictionLogger(self, endpoint=endpoint, model=model, version=version, function=function,
                                model_class=model_class, **options)

    # ----------------------------------------------------------------- HTTP core

    def request(self, method, path, query=None, json_body=None, body=None, content_type=None, headers=None,
                idempotent=None, timeout=None, retry=None, on_retry=None, raw=False):
        """Sends a request with retries and returns the parsed JSON answer (or bytes when ``raw``).

        Retries 503 always, 502/504 and broken connections only when ``idempotent`` (default: GET,
        HEAD, PUT, DELETE), refused connections always. Raises RequestError subclasses for 4xx,
        ServerError for 5xx, NetworkError when the server cannot be reached.
        """
        policy = retry or self.retry
        idempotent = method in _IDEMPOTENT_METHODS if idempotent is None else idempotent
        params = {k: v for k, v in (query or {}).items() if v is not None}
        url = self.url + path + ('?' + urllib.parse.urlencode(params) if params else '')
        send_headers = {'Accept': 'application/json', 'User-Agent': 'driftwatch-python/%s' % __version__,
                        'X-Driftwatch-Node': self.node}
        if self.api_key:
            send_headers['Authorization'] = 'Bearer %s' % self.api_key
        data = None
        rewind = None
        replayable = True
        if json_body is not None:
            data = json.dumps(json_body, allow_nan=False).encode('utf-8')
            send_headers['Content-Type'] = 'application/json'
        elif body is not None:
            send_headers['Content-Type'] = content_type or 'application/octet-stream'
            if isinstance(body, (bytes, bytearray, memoryview)):
                data = bytes(body)
            else:
                # a file object: streamed; re-read from its start on retry when it can seek
                data = body
                if body.seekable():
                    start = body.tell()
                    size = os.fstat(body.fileno()).st_size - start if hasattr(body, 'fileno') else None
                    if size is not None:
                        send_headers['Content-Length'] = str(size)
                    rewind = functools.partial(body.seek, start)
                else:
                    replayable = False
        send_headers.update(headers or {})

        attempt = 0
        while True:
            attempt += 1
            last_try = attempt >= policy.attempts or not replayable
            if rewind is not None and attempt > 1:
                rewind()
            request = urllib.request.Request(url, data=data, method=method, headers=send_headers)
            try:
                status, response_headers, payload = self._send(request, timeout or self.timeout)
            except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
                safe = _never_connected(exc)
                if last_try or not (safe or idempotent):
                    raise NetworkError(_describe(exc), method, path, not safe, attempt) from exc
                self._pause(policy.delay(attempt), method, path, attempt, _describe(exc), on_retry)
                continue
            if 200 <= status < 300:
                if raw:
                    return payload
                if status == 204 or not payload:
                    return None
                return json.loads(payload.decode('utf-8'))
            if (status == 503 or (status in _GATEWAY_STATUSES and idempotent)) and not last_try:
                wait = policy.delay(attempt)
                retry_after = response_headers.get('Retry-After') if response_headers else None
                if retry_after and retry_after.isdigit():
                    wait = max(wait, float(retry_after))
                self._pause(min(wait, policy.max_delay), method, path, attempt, 'HTTP %d' % status, on_retry)
                continue
            message, details = _error_message(payload, response_headers)
            if status >= 500:
                raise ServerError(status, method, path, message, attempt)
            raise _ERROR_BY_STATUS.get(status, RequestError)(status, method, path, message, details)

    def _send(self, request, timeout):
        try:
            with self._opener.open(request, timeout=timeout) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            # an HTTP answer, not a network failure: hand it back to the status handling
            with error:
                return error.code, error.headers, error.read()

    def _pause(self, delay, method, path, attempt, reason, on_retry):
        for callback in (self.on_retry, on_retry):
            if callback is not None:
                callback(method, path, attempt, delay, reason)
        time.sleep(delay)


def _error_message(payload, headers):
    text = payload.decode('utf-8', 'replace') if payload else ''
    try:
        parsed = json.loads(text)
        if isinstance(parsed, dict) and isinstance(parsed.get('error'), str):
            return parsed['error'], parsed.get('details')
    except ValueError:
        pass  # not JSON (e.g. a load balancer's HTML page): use the raw text
    return (text.strip()[:300] or 'no message'), None


_NDJSON_NAME = re.compile(r'\.(ndjson|jsonl)(\.gz)?$', re.IGNORECASE)


class _ProgressReader(object):
    """A binary file that reports the bytes read from it (the bytes sent) to ``report(sent, total)``."""

    def __init__(self, handle, report):
        self._handle = handle
        self._report = report
        self._start = handle.tell() if handle.seekable() else 0
        self._total = None
        if handle.seekable():
            self._total = handle.seek(0, os.SEEK_END) - self._start
            handle.seek(self._start)

    @property
    def total(self):
        """Bytes from the start position to the end, or None for a stream that cannot seek."""
        return self._total

    def read(self, size=-1):
        chunk = self._handle.read(size)
        if self._report is not None:
            self._report(self._handle.tell() - self._start if self._handle.seekable() else None, self._total)
        return chunk

    def seekable(self):
        return self._handle.seekable()

    def tell(self):
        return self._handle.tell()

    def seek(self, offset, whence=0):
        return self._handle.seek(offset, whence)


def _progress_printer(stream=None):
    """A progress callback writing one line per 10% sent to stderr."""
    state = {'step': -1}

    def report(sent, total):
        if not total or sent is None:
            return
        step = min(100, int(sent * 100 / total) // 10 * 10)
        if step > state['step']:
            state['step'] = step
            (stream or sys.stderr).write('driftwatch: uploading reference: %d%% (%.1f of %.1f MB)\n'
                                         % (step, sent / 1048576.0, total / 1048576.0))
    return report


def connect(url=None, **options):
    """A Driftwatch client; see Driftwatch for the options."""
    return Driftwatch(url, **options)


# --------------------------------------------------------------------------------------- profiling

def _read_proc(path):
    try:
        with open(path) as handle:
            return handle.read()
    except OSError:
        return None


def _system_cpu_times():
    """(busy, total) jiffies from /proc/stat, or None where there is no /proc."""
    text = _read_proc('/proc/stat')
    if not text:
        return None
    fields = [int(v) for v in text.splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


def _memory():
    text = _read_proc('/proc/meminfo')
    if not text:
        return None
    values = {}
    for line in text.splitlines():
        name, _, rest = line.partition(':')
        parts = rest.split()
        if parts:
            values[name] = int(parts[0]) * 1024
    total = values.get('MemTotal')
    available = values.get('MemAvailable', values.get('MemFree'))
    if not total or available is None:
        return None
    return total, total - available


def _process_rss():
    text = _read_proc('/proc/self/statm')
    if text:
        return int(text.split()[1]) * os.sysconf('SC_PAGE_SIZE')
    return None


class BackgroundProfiler(object):
    """Samples cpu, memory and load in a daemon thread every ``interval`` seconds (and once more on
    stop), with what the standard library can read: the load average, this process's CPU time and
    resident memory, and on Linux the machine's CPU and memory from /proc.

    The keys match the TypeScript client's: cpu_percent, process_cpu_percent, memory_load,
    memory_total, process_rss, load_1m, load_5m, load_15m, cpu_count.
    """

    def __init__(self, callback, interval=5.0):
        self._callback = callback
        self._interval = interval
        self._stop = threading.Event()
        self._thread = None
        self._last = None
        self._step = 0
        self._lock = threading.Lock()

    @property
    def interval(self):
        return self._interval

    @interval.setter
    def interval(self, seconds):
        self._interval = seconds

    def _snapshot(self):
        return {'wall': time.monotonic(), 'process': time.process_time(), 'system': _system_cpu_times()}

    def profile(self):
        """One sample; CPU shares cover the time since the previous one."""
        now = self._snapshot()
        last = self._last or now
        self._last = now
        sample = {'cpu_count': os.cpu_count() or 1}
        wall = now['wall'] - last['wall']
        if wall > 0:
            sample['process_cpu_percent'] = round(100.0 * (now['process'] - last['process']) / wall, 1)
        if now['system'] and last['system'] and now['system'][1] > last['system'][1]:
            busy = now['system'][0] - last['system'][0]
            sample['cpu_percent'] = round(100.0 * busy / (now['system'][1] - last['system'][1]), 1)
        memory = _memory()
        if memory:
            sample['memory_total'] = memory[0]
            sample['memory_load'] = round(100.0 * memory[1] / memory[0], 1)
        rss = _process_rss()
        if rss is not None:
            sample['process_rss'] = rss
        else:
            try:
                import resource  # Unix only; ru_maxrss is the peak, in KiB on Linux
                sample['process_max_rss'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            except ImportError:
                pass
        try:
            sample['load_1m'], sample['load_5m'], sample['load_15m'] = os.getloadavg()
        except (AttributeError, OSError):
            pass  # no load average on this platform
        return sample

    def start(self):
        if self._thread is not None:
            return
        self._stop.clear()
        self._last = self._snapshot()
        self._thread = threading.Thread(target=self._loop, name='driftwatch-profiler', daemon=True)
        self._thread.start()

    def stop(self):
        """Stops sampling after one last sample, so that even a short run has one."""
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join()
        self._thread = None
        self._emit()

    def _loop(self):
        while not self._stop.wait(self._interval):
            self._emit()

    def _emit(self):
        with self._lock:
            step = self._step
            self._step += 1
            sample = self.profile()
        self._callback(sample, step, datetime.now(timezone.utc))


# --------------------------------------------------------------------------------------- tracking

class _BatchSender(object):
    """The background sender shared by experiment runs and the prediction logger.

    Items queue up and go out in batches of at most ``batch_size`` from one daemon thread, in
    order and one request at a time: when a batch is full, after ``flush_interval`` seconds, and on
    ``flush()``. ``send(batch)`` returns True when done with a batch (sent, or given up and counted
    by the owner) and False to keep it, unchanged, and send it first at the next flush (a passing
    failure, retried under the same idempotency key). ``after``: another sender flushed before each
    batch (labels wait for the predictions they join).
    """

    def __init__(self, send, batch_size, flush_interval, name, after=None):
        self._send = send
        self._batch_size = batch_size
        self._flush_interval = flush_interval
        self._name = name
        self._after = after
        self._queue = deque()
        self._held = None
        self._kept = False
        self._in_pass = False
        self._passes = 0
        self._flush_target = 0
        self._closed = False
        self._cond = threading.Condition()
        self._thread = None

    @property
    def queued(self):
        with self._cond:
            return len(self._queue) + (len(self._held) if self._held else 0)

    def push(self, item):
        with self._cond:
            self._queue.append(item)
            # a new item lets a kept batch be retried on the next interval again
            self._kept = False
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name=self._name, daemon=True)
                self._thread.start()
            if len(self._queue) >= self._batch_size:
                self._cond.notify_all()

    def discard(self):
        """Forgets what is queued or held (the server has deleted what it was for)."""
        with self._cond:
            self._queue.clear()
            self._held = None

    def flush(self, timeout=None):
        """Waits for a send pass that starts after this call: everything queued so far is sent or
        given up on, or a batch is kept for later. Returns False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            if self._thread is None:
                return True
            target = self._passes + (2 if self._in_pass else 1)
            self._flush_target = max(self._flush_target, target)
            self._cond.notify_all()
            while self._passes < target and self._thread.is_alive():
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._cond.wait(remaining)
            return True

    def close(self, timeout=None):
        """Sends what is left and ends the thread. Returns False on timeout."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        drained = self.flush(timeout)
        if self._thread is not None:
            self._thread.join(None if drained else 0.1)
        return drained

    def _ready(self):
        if self._passes < self._flush_target or self._closed:
            return True
        return not self._kept and len(self._queue) >= self._batch_size

    def _work(self):
        while True:
            with self._cond:
                deadline = time.monotonic() + self._flush_interval
                while not self._ready():
                    remaining = deadline - time.monotonic()
                    if remaining <= 0 and not self._kept and (self._queue or self._held):
                        break
                    self._cond.wait(remaining if remaining > 0 else self._flush_interval)
                if self._closed and not self._queue and not self._held:
                    self._passes += 1
                    self._cond.notify_all()
                    return
                self._in_pass = True
            kept = self._drain()
            with self._cond:
                self._in_pass = False
                self._kept = kept
                self._passes += 1
                self._cond.notify_all()
                if kept and self._closed:
                    return

    def _drain(self):
        """Sends until the queue is empty (False) or a batch is kept (True)."""
        while True:
            if self._after is not None:
                self._after.flush()
            with self._cond:
                if self._held is None:
                    if not self._queue:
                        return False
                    self._held = [self._queue.popleft() for _ in range(min(len(self._queue), self._batch_size))]
                batch = self._held
            done = self._send(batch)
            with self._cond:
                if not done:
                    return True
                if self._held is batch:
                    self._held = None


class _EventBuffer(object):
    """An experiment's outgoing events: buffered, sent in batches of at most
    MAX_EVENTS_PER_REQUEST by a background sender, each batch under one idempotency key until
    the server has answered it. A failed send is kept and raised by the next ``flush()``."""

    def __init__(self, client, path, query, flush_interval):
        self._client = client
        self._path = path
        self._query = query
        self._sender = _BatchSender(self._send_batch, MAX_EVENTS_PER_REQUEST, flush_interval,
                                    'driftwatch-experiment-sender')
        self._lock = threading.Lock()
        # the idempotency key of the batch being sent, kept with it until the server has answered it
        self._batch_key = None
        self._failure = None

    def push(self, wire):
        self._sender.push(wire)
        # a full request's worth waiting: the caller waits for it, so a slow server holds back the logging
        if self._sender.queued >= MAX_EVENTS_PER_REQUEST:
            self._sender.flush()

    def flush(self):
        """Sends everything buffered; raises the first failure since the last flush."""
        self._sender.flush()
        with self._lock:
            failure, self._failure = self._failure, None
        if failure is not None:
            raise failure

    def discard(self):
        self._sender.discard()

    def _send_batch(self, batch):
        if self._batch_key is None:
            self._batch_key = str(uuid.uuid4())
        try:
            # a bare array: the server's errors then name the bad field (body.3.key)
            self._client.request('POST', self._path, query=self._query(), json_body=batch,
                                 headers={'Idempotency-Key': self._batch_key}, idempotent=True)
        except Exception as exc:  # noqa: BLE001 - raised by the next flush(), never lost in the sender thread
            with self._lock:
                if self._failure is None:
                    self._failure = exc
            # keep a batch that failed for a passing reason, to send it again (same key) on the next flush
            if (isinstance(exc, ServerError) and exc.status == 503) or isinstance(exc, NetworkError):
                return False
        self._batch_key = None
        return True


class _EventReader(object):
    """Reads experiments' events page by page (``cursor`` paging), filtering on extra fields."""

    def __init__(self, client, query):
        self._client = client
        self._query = query

    def pages(self, name, query, page_size, extra):
        path = _experiment_path(name, '/data')
        cursor = None
        while True:
            try:
                reply = self._client.request('GET', path, query=dict(query, limit=page_size, cursor=cursor))
            except NotFoundError:
                # omega-ml answers "no data" for an experiment that has none (never run, or cleared)
                if cursor is None and not self._exists(name):
                    return
                raise
            rows = [_row(name, e) for e in reply['events']]
            rows = [r for r in rows if all(_matches(r.get(k), v) for k, v in extra.items())]
            if rows:
                yield rows
            cursor = reply.get('cursor')
            if not cursor:
                return

    def _exists(self, name):
        try:
            self._client.request('GET', _experiment_path(name), query=self._query())
            return True
        except NotFoundError:
            return False


class _Artifacts(object):
    """Artifact bytes of runs: uploaded at once (never buffered), pickling what is not bytes or a file."""

    def __init__(self, client, query):
        self._client = client
        self._query = query

    def upload(self, experiment, run, obj, name, content_type):
        if isinstance(obj, (bytes, bytearray, memoryview)):
            body, kind = bytes(obj), content_type or 'application/octet-stream'
        elif hasattr(obj, 'read') and callable(obj.read):
            body, kind = obj, content_type or 'application/octet-stream'
        else:
            body, kind = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL), content_type or PICKLE_CONTENT_TYPE
        size = None
        if isinstance(body, bytes):
            size = len(body)
        elif hasattr(body, 'seekable') and body.seekable() and hasattr(body, 'fileno'):
            size = os.fstat(body.fileno()).st_size - body.tell()
        path = _experiment_path(experiment, '/runs/%d/artifacts/%s' % (run, urllib.parse.quote(name, safe='')))
        stored = self._client.request('PUT', path, query=self._query(), body=body, content_type=kind, timeout=None)
        # never lose bytes silently: e.g. a server that parses JSON-typed bodies itself stores none of them
        if size is not None and stored.get('size') != size:
            raise DriftwatchError('artifact "%s": sent %d bytes but the server stored %s (content type %s)'
                                  % (name, size, stored.get('size'), kind))
        return stored

    def download(self, row, unpickle):
        """The artifact an ``event='artifact'`` row records (unpickled when it was pickled and ``unpickle``)."""
        path = _experiment_path(row['experiment'], '/runs/%d/artifacts/%s' % (row['run'], urllib.parse.quote(row['key'], safe='')))
        payload = self._client.request('GET', path, query=self._query(), raw=True, timeout=None)
        value = row.get('value') or {}
        if unpickle and value.get('contentType') == PICKLE_CONTENT_TYPE:
            payload = pickle.loads(payload)
        return payload


class Experiment(object):
    """A named experiment: numbered runs, an append-only event log and artifacts.

    ``with exp:`` starts a run and stops it at the end of the block (also when it raises).
    Log calls are buffered and sent in batches: when 10,000 are waiting, every ``flush_interval``
    seconds in the background, and on ``flush()``, ``stop()`` and ``data()``. A failed background
    send is raised by the next ``flush()`` or ``stop()``.

    The API follows omega-ml's tracker: log_metric, log_param, log_data, log_event, log_system,
    log_artifact, data, restore_artifact(s), restore_data, start, stop, use, status, clear.
    """

    def __init__(self, client, name, provider=None, project=None, flush_interval=1.0, profiling_interval=5.0):
        self._client = client
        self._experiment = name
        self.provider = provider
        self.project = project or client.project
        self.flush_interval = flush_interval
        self._run = None
        self._running = False
        self._lock = threading.RLock()
        self._events = _EventBuffer(client, self._path('/events'), self._query, flush_interval)
        self._reader = _EventReader(client, self._query)
        self._artifacts = _Artifacts(client, self._query)
        self.profiler = BackgroundProfiler(self._log_profile, interval=profiling_interval)
        self._profiling = False

    def __repr__(self):
        return 'Experiment(%r, project=%r, run=%r)' % (self._experiment, self.project, self._run)

    @property
    def name(self):
        return self._experiment

    @property
    def run(self):
        """The current run number (the last one started or used through this handle)."""
        return self._run

    # ----------------------------------------------------------------- runs

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.stop()
            return False
        try:
            self.stop(error=exc if exc is not None else exc_type.__name__)
        except Exception as stop_error:  # noqa: BLE001 - the block's own exception matters more
            warnings.warn('could not stop run %s after an error: %s' % (self._run, stop_error))
        return False

    def start(self, run=None):
        """Starts a new run (the server numbers them) and returns its number."""
        if run is not None:
            raise ValueError('the server numbers runs: call start() without a run number')
        body = {'provider': self.provider} if self.provider else {}
        # a repeated start would allocate a second run: only failures before sending are retried
        info = self._client.request('POST', self._path('/runs'), query=self._query(), json_body=body,
                                    idempotent=False)
        with self._lock:
            self._run = info['run']
            self._running = True
        # the provider is fixed when the experiment is created; sample if it, or this handle, asks
        actual = info.get('provider')
        self._profiling = actual == 'profiling' or (self.provider == 'profiling' and actual != 'notrack')
        if self._profiling:
            self.profiler._step = 0
            self.profiler.start()
        return self._run

    def stop(self, error=None):
        """Sends what is buffered and stops the current run (as FAILED, with ``error``'s text, when
        given). The run is stopped even when sending fails; that failure is raised afterwards."""
        if self._run is None or not self._running:
            return None
        if self._profiling:
            self.profiler.stop()
            self._profiling = False
        failure = None
        try:
            self.flush()
        except DriftwatchError as exc:
            failure = exc
        with self._lock:
            self._running = False
        # stopping a stopped run leaves it stopped: safe to repeat
        outcome = None if error is None else {'status': 'FAILED', 'error': ('%s: %s' % (type(error).__name__, error) if isinstance(error, BaseException) else str(error))[:10000]}
        info = self._client.request('POST', self._path('/runs/%d/stop' % self._run), query=self._query(),
                                    json_body=outcome, idempotent=True)
        if failure is not None:
            raise failure
        return info

    def use(self, run=None):
        """omega-ml: continue the latest run if it is still running (else start one), or the given run."""
        self.active_run(run)
        return self

    def active_run(self, run=None):
        if run is not None:
            self._run, self._running = int(run), True
            return self._run
        runs = self.info(missing_ok=True).get('runs', [])
        if runs and runs[-1]['status'] == 'STARTED':
            self._run, self._running = runs[-1]['run'], True
            return self._run
        return self.start()

    def status(self, run=None):
        """'STARTED', 'STOPPED', 'FAILED', or 'PENDING' when the run does not exist."""
        number = run or self._run
        for info in self.info(missing_ok=True).get('runs', []):
            if info['run'] == number:
                return info['status']
        return 'PENDING'

    def info(self, missing_ok=False):
        """The experiment and its runs."""
        try:
            return self._client.request('GET', self._path(''), query=self._query())
        except NotFoundError:
            if missing_ok:
                return {'runs': []}
            raise

    # ----------------------------------------------------------------- logging

    def log_metric(self, key, value, step=None, dt=None, **extra):
        """Logs ``event='metric'``. NaN and infinities are sent as text (JSON cannot carry them)."""
        self._log('metric', key, value, step, dt, extra)

    def log_param(self, key, value, step=None, dt=None, **extra):
        self._log('param', key, value, step, dt, extra)

    def log_data(self, key, value, step=None, dt=None, event=None, **extra):
        """Logs JSON data (lists, dicts, numpy arrays, DataFrames as records) as ``event='data'``."""
        self._log(event or 'data', key, value, step, dt, extra)

    def log_event(self, event, key, value, step=None, dt=None, **extra):
        self._log(event, key, value, step, dt, extra)

    def log_system(self, key=None, value=None, step=None, dt=None, **extra):
        """omega-ml: logs the platform, Python version and installed packages as ``event='system'``."""
        if value is None:
            try:
                from importlib import metadata
                packages = sorted('%s==%s' % (d.metadata['Name'], d.version) for d in metadata.distributions())
            except ImportError:
                packages = []
            value = {'platform': platform.uname()._asdict(),
                     'python': '%s-%s' % (platform.python_implementation(), platform.python_version()),
                     'packages': packages}
        self._log('system', key or 'system', value, step, dt, extra)

    def log_artifact(self, obj, name, step=None, dt=None, content_type=None, **extra):
        """Uploads an artifact to the current run now (not buffered) and returns its metadata.

        bytes are stored as they are; a binary file object is streamed; anything else is pickled
        (``restore_artifact`` unpickles it).
        """
        self._warn_extra(extra)
        return self._artifacts.upload(self._experiment, self._require_run(), obj, name, content_type)

    def flush(self):
        """Sends everything buffered; raises the first failure since the last flush."""
        self._events.flush()

    # ----------------------------------------------------------------- reading

    def data(self, experiment=None, run=None, event=None, step=None, key=None, raw=False, lazy=False,
             since=None, end=None, batchsize=None, as_frame=None, **extra):
        """Events, oldest first, as a list of dicts (omega-ml's columns: experiment, run, step, event,
        key, value, dt, node, userid, ...).

        Args:
            run: a number, -1 for the latest (-2 the one before), 'all' or '*', a list, or slice(2, 5);
                default: the current run when there is one and ``since`` is not given, else all.
            event, key, step: one value or a list
            since, end: a datetime, a timedelta (that long ago), or text such as '5h' or an ISO time
            batchsize: yield pages of this many events instead of returning them all
            lazy: yield events one by one
            as_frame: a pandas DataFrame instead of dicts (default: the client's ``data_frames``);
                ``raw=True`` always gives dicts
            **extra: further equality filters on the events' fields
        """
        self.flush()
        frames = not raw and (as_frame if as_frame is not None else self._client.data_frames)
        if run is None and since is None and experiment in (None, self._experiment):
            run = self._run
        query = dict(self._query(), run=_run_selector(run), event=_listing(event), key=_listing(key),
                     step=_listing(step), since=_time_param(since), end=_time_param(end))
        name = experiment or self._experiment
        pages = self._reader.pages(name, query, batchsize or 1000, extra)
        if lazy:
            return (row for page in pages for row in page)
        if batchsize:
            return (_frame(page) if frames else page for page in pages)
        rows = [row for page in pages for row in page]
        return _frame(rows) if frames else rows

    def summary(self, run='all'):
        """Per run: last/min/max/count of each metric, and the params."""
        self.flush()
        return self._client.request('GET', self._path('/summary'),
                                    query=dict(self._query(), run=_run_selector(run)))['runs']

    def restore_artifacts(self, key=None, experiment=None, run=None, since=None, step=None, unpickle=True, **_):
        """Every artifact logged under ``key`` (in the selected runs, see data()), oldest first.

        Pickled objects are unpickled: only restore artifacts from a server you trust.
        """
        rows = self.data(experiment=experiment, run=run, since=since, step=step, event='artifact', key=key, raw=True)
        return [self._artifacts.download(row, unpickle) for row in rows]

    def restore_artifact(self, key=None, experiment=None, run=None, since=None, step=None, unpickle=True, **extra):
        """The latest artifact logged under ``key`` (bytes, or the unpickled object), or None."""
        restored = self.restore_artifacts(key=key, experiment=experiment, run=run, since=since, step=step,
                                          unpickle=unpickle, **extra)
        return restored[-1] if restored else None

    def restore_data(self, key, run=None, event=None, since=None, concat=True):
        """Values logged with log_data(key, ...); lists are joined into one when ``concat``."""
        values = [row['value'] for row in self.data(run=run, event=event or 'data', key=key, since=since, raw=True)]
        if concat and values and all(isinstance(v, list) for v in values):
            return [item for v in values for item in v]
        return values

    def clear(self, force=False):
        """Deletes every run, event and artifact. The server refuses (ConflictError) unless force=True."""
        self._client.request('DELETE', self._path(''), query=dict(self._query(), force='true' if force else 'false'))
        self._events.discard()
        with self._lock:
            self._run, self._running = None, False

    # ----------------------------------------------------------------- internals

    def _path(self, suffix):
        return _experiment_path(self._experiment, suffix)

    def _query(self):
        return {'project': self.project}

    def _require_run(self):
        if self._run is None or not self._running:
            raise DriftwatchError('no active run: use "with experiment:" or call start() or use() first')
        return self._run

    def _warn_extra(self, extra):
        if extra:
            warnings.warn('Driftwatch stores events with fixed fields; ignoring extra fields %s' % sorted(extra),
                          stacklevel=3)

    def _log(self, event, key, value, step, dt, extra):
        self._warn_extra(extra)
        event_dt = dt or datetime.now(timezone.utc)
        wire = {'event': event, 'key': key, 'value': _jsonable(value), 'run': self._require_run(),
                'dt': _iso(event_dt) if isinstance(event_dt, datetime) else str(event_dt)}
        if step is not None:
            wire['step'] = _jsonable(step)
        self._events.push(wire)

    def _log_profile(self, sample, step, at):
        if not self._running:
            return
        for key, value in sample.items():
            self._log(PROFILE_EVENT, key, value, step, at, {})


def _experiment_path(name, suffix=''):
    """The API path of an experiment (names may contain '/', quoted as %2F)."""
    return '/api/v1/experiments/%s%s' % (urllib.parse.quote(name, safe=''), suffix)


def _row(name, event):
    row = dict(event)
    row['experiment'] = name
    row['dt'] = _parse_dt(row.get('dt'))
    return row


def _matches(actual, wanted):
    if wanted is None or wanted in ('*', 'all'):
        return True
    if isinstance(wanted, (list, tuple, set)):
        return actual in wanted
    return actual == wanted


def _frame(rows):
    try:
        import pandas as pd
    except ImportError:
        raise ImportError('data frames need pandas: pip install pandas, or call data() without as_frame')
    frame = pd.DataFrame.from_records(rows)
    if 'dt' in frame.columns:
        frame['dt'] = pd.to_datetime(frame['dt'], errors='coerce', utc=True)
    return frame


# --------------------------------------------------------------------------------------- predictions

def _target(endpoint, model, version, function, model_class):
    if endpoint is None and model is None:
        raise ValueError('give endpoint (an id) or model')
    if endpoint is not None:
        return {'endpoint': endpoint}
    target = {'model': model, 'version': version, 'function': function, 'modelClass': model_class}
    return {k: v for k, v in target.items() if v is not None}


def _prediction_event(target, features, prediction=None, latency_ms=None, error=None, request_id=None,
                      label=None, timestamp=None, now=None):
    """The plain event shape of POST /api/v1/predictions."""
    features = _jsonable(features, nonfinite=None)
    if not isinstance(features, (dict, list)):
        raise TypeError('features must be a dict or a list (or a numpy array / pandas Series), got %s'
                        % type(features).__name__)
    if timestamp is None:
        stamp = now if now is not None else int(time.time() * 1000)
    elif isinstance(timestamp, datetime):
        stamp = _iso(timestamp)
    else:
        stamp = int(timestamp)
    event = dict(target, timestamp=stamp, features=features)
    if prediction is not None:
        event['prediction'] = _jsonable(prediction, nonfinite=None)
    if latency_ms is not None and math.isfinite(latency_ms):
        event['latencyMs'] = max(0.0, float(latency_ms))
    if error is not None:
        event['error'] = error if isinstance(error, bool) else str(error)[:10000]
    if request_id is not None:
        event['requestId'] = str(request_id)
    if label is not None:
        event['label'] = _jsonable(label, nonfinite=None)
    return event


def _rejected_index(exc):
    """The index of the event a 400 names ("event 4: ..." / "event 4 is invalid")."""
    if not isinstance(exc, BadRequestError):
        return None
    words = exc.server_message.split()
    if len(words) >= 2 and words[0] == 'event':
        digits = words[1].rstrip(':')
        if digits.isdigit():
            return int(digits)
    return None


class PredictionLogger(object):
    """Logs prediction events from a background thread.

    ``log()`` only appends to a bounded queue: it never waits on the network and never raises, so
    a slow or unreachable server cannot slow the model. Past ``max_queue`` events new ones are
    dropped and counted in ``stats['dropped']``. Batches go out with a UUID batch id that is reused
    on retry, so a batch the server committed before the connection broke is counted once.
    Failures are counted in ``stats`` and passed to ``on_error(exception, lost_events)``.
    What is queued is sent when the interpreter exits normally (atexit), within ``exit_timeout``.
    """

    def __init__(self, client, endpoint=None, model=None, version=None, function=None, model_class=None,
                 batch_size=500, flush_interval=1.0, max_queue=10000, retry=None, on_error=None,
                 flush_on_exit=True, exit_timeout=5.0):
        self._client = client
        self._target = _target(endpoint, model, version, function, model_class)
        self.endpoint = endpoint
        batch_size = max(1, min(int(batch_size), 50000))
        self._max_queue = max(1, int(max_queue))
        self._retry = retry
        self._on_error = on_error
        self._exit_timeout = exit_timeout
        self._closed = False
        self._cond = threading.Condition()
        self._stats = {'sent': 0, 'dropped': 0, 'failed': 0, 'labels_sent': 0, 'labels_dropped': 0,
                       'labels_failed': 0, 'retries': 0, 'errors': 0, 'last_error': None}
        self._predictions = _BatchSender(self._send_predictions, batch_size, flush_interval,
                                         'driftwatch-prediction-logger')
        # labels go after the predictions queued before them, so each finds its prediction
        self._labels = _BatchSender(self._send_labels, batch_size, flush_interval, 'driftwatch-label-logger',
                                    after=self._predictions)
        self._flush_on_exit = flush_on_exit
        if flush_on_exit:
            atexit.register(self._at_exit)

    @property
    def stats(self):
        """Counts: sent, dropped (queue full or closed), failed (refused or undeliverable), retries,
        errors, the label counterparts, queued, and last_error."""
        with self._cond:
            stats = dict(self._stats)
        stats['queued'] = self._predictions.queued
        stats['labels_queued'] = self._labels.queued
        return stats

    def log(self, features, prediction=None, latency_ms=None, error=None, request_id=None, label=None,
            timestamp=None):
        """Queues one prediction; returns False (and counts it) when it was dropped. Never raises."""
        if self._closed or self._predictions.queued >= self._max_queue:
            with self._cond:
                self._stats['dropped'] += 1
            return False
        try:
            event = _prediction_event(self._target, features, prediction, latency_ms, error, request_id, label,
                                      timestamp)
        except Exception as exc:  # noqa: BLE001 - nothing may reach the model's predict path
            self._report(exc, 1, 'failed')
            return False
        self._predictions.push(event)
        return True

    def log_label(self, request_id, label):
        """Queues ground truth for the prediction logged with ``request_id``."""
        item = {'requestId': str(request_id), 'label': _jsonable(label, nonfinite=None)}
        if self.endpoint is not None:
            item['endpoint'] = self.endpoint
        if self._closed or self._labels.queued >= self._max_queue:
            with self._cond:
                self._stats['labels_dropped'] += 1
            return False
        self._labels.push(item)
        return True

    def register_reference(self, rows, **columns):
        """Stores training rows as this endpoint's reference (the logger must target an endpoint id)."""
        if self.endpoint is None:
            raise DriftwatchError('register_reference needs a logger created with an endpoint id')
        return self._client.register_reference(self.endpoint, rows, **columns)

    def flush(self, timeout=None):
        """Waits until everything queued has been sent or given up on. Returns False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        if not self._predictions.flush(timeout):
            return False
        return self._labels.flush(None if deadline is None else max(0.0, deadline - time.monotonic()))

    def close(self, timeout=None):
        """Stops accepting events, sends what is queued and ends the threads. Returns False on timeout."""
        self._closed = True
        deadline = None if timeout is None else time.monotonic() + timeout
        drained = self._predictions.close(timeout)
        drained = self._labels.close(None if deadline is None else max(0.0, deadline - time.monotonic())) and drained
        if self._flush_on_exit:
            atexit.unregister(self._at_exit)
            self._flush_on_exit = False
        return drained

    def monitor(self, func=None, features=None, prediction=None, request_id=None, batch=False):
        """Wraps a predict function (the serving helper), as a decorator or a call::

            @logger.monitor
            def predict(row): ...

            predict_many = logger.monitor(model.predict, batch=True,
                                          features=lambda X: X.tolist())

        Every call logs its features, prediction and latency, or its exception as an error (the
        exception is re-raised unchanged). Logging problems are counted, never raised.

        Args:
            features: ``f(*args, **kwargs)`` -> the features (a row, or rows when ``batch``);
                default: the first argument
            prediction: ``f(result)`` -> what to record (default: the result itself)
            request_id: ``f(*args, **kwargs)`` -> a request id (or ids when ``batch``) for late labels
            batch: the function predicts many rows at once: one event per row, each with the call's
                latency divided by the number of rows
        """
        def decorate(fn):
            @functools.wraps(fn)
            def wrapper(*args, **kwargs):
                started = time.perf_counter()
                try:
                    result = fn(*args, **kwargs)
                except Exception as exc:
                    self._record(args, kwargs, None, exc, time.perf_counter() - started, features, prediction,
                                 request_id, batch)
                    raise
                self._record(args, kwargs, result, None, time.perf_counter() - started, features, prediction,
                             request_id, batch)
                return result
            return wrapper
        return decorate(func) if func is not None else decorate

    # ----------------------------------------------------------------- internals

    def _record(self, args, kwargs, result, exc, seconds, features, prediction, request_id, batch):
        try:
            if features is not None:
                rows = features(*args, **kwargs)
            elif args:
                rows = args[0]
            else:
                raise TypeError('the predict function got no positional input: pass features=')
            ids = request_id(*args, **kwargs) if request_id is not None else None
            error = '%s: %s' % (type(exc).__name__, exc) if exc is not None else None
            if not batch:
                output = None if exc is not None else (prediction(result) if prediction else result)
                self.log(rows, prediction=_output_or_none(output), latency_ms=seconds * 1000, error=error,
                         request_id=ids)
                return
            rows = _jsonable(rows, nonfinite=None)
            outputs = None if exc is not None else _jsonable(result, nonfinite=None)
            per_row = seconds * 1000 / max(1, len(rows))
            for i, row in enumerate(rows):
                output = None if outputs is None else outputs[i]
                if output is not None and prediction is not None:
                    output = prediction(output)
                self.log(row, prediction=_output_or_none(output), latency_ms=per_row, error=error,
                         request_id=ids[i] if ids is not None else None)
        except Exception as problem:  # noqa: BLE001 - logging must never break the prediction
            self._report(problem, 1, 'failed')

    def _report(self, exc, lost, counter):
        with self._cond:
            self._stats[counter] += lost
            self._stats['errors'] += 1
            self._stats['last_error'] = exc
        if self._on_error is not None:
            try:
                self._on_error(exc, lost)
            except Exception:  # noqa: BLE001 - a failing callback must not stop the sender
                pass

    def _count_retry(self, *_):
        with self._cond:
            self._stats['retries'] += 1

    def _send_predictions(self, events):
        for round_number in range(_MAX_REJECTION_ROUNDS + 1):
            body = {'batchId': str(uuid.uuid4()), 'project': self._client.project, 'events': events}
            try:
                self._post('/api/v1/predictions', body)
            except Exception as exc:  # noqa: BLE001 - the sender thread must survive anything
                # the server rejects a batch whole, naming the bad event: drop it and resend the rest
                index = _rejected_index(exc)
                if index is not None and index < len(events) and len(events) > 1 and round_number < _MAX_REJECTION_ROUNDS:
                    self._report(exc, 1, 'failed')
                    events = events[:index] + events[index + 1:]
                    continue
                self._report(exc, len(events), 'failed')
                return True
            with self._cond:
                self._stats['sent'] += len(events)
            return True

    def _post(self, path, body):
        # safe to repeat, so broken connections are retried too: a prediction batch carries its
        # batch id, and the server counts a prediction's label once
        self._client.request('POST', path, json_body=body, idempotent=True, retry=self._retry,
                             on_retry=self._count_retry)

    def _send_labels(self, labels):
        try:
            self._post('/api/v1/labels', labels)
        except Exception as exc:  # noqa: BLE001 - the sender thread must survive anything
            self._report(exc, len(labels), 'labels_failed')
            return True
        with self._cond:
            self._stats['labels_sent'] += len(labels)
        return True

    def _at_exit(self):
        self._flush_on_exit = False
        self.close(self._exit_timeout)


def _output_or_none(output):
    try:
        value = _jsonable(output, nonfinite=None)
    except TypeError:
        return None  # not something the server can count as a prediction; the event still counts
    if isinstance(value, dict) and not all(isinstance(v, (int, float, str, bool)) or v is None for v in value.values()):
        return None
    if isinstance(value, list) and not all(isinstance(v, (int, float, str, bool)) or v is None for v in value):
        return None
    return value
