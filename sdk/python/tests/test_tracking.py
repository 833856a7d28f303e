import os
import socket
import tempfile
import time
import unittest
from datetime import datetime

from support import FrontDoor, client, driftwatch, get_json, unique

try:
    import numpy
except ImportError:  # numpy is optional: the client only converts its values when present
    numpy = None


class Model(object):
    """A picklable stand-in for a trained model."""

    def __init__(self, weights):
        self.weights = weights

    def __eq__(self, other):
        return isinstance(other, Model) and other.weights == self.weights


class TrackingTest(unittest.TestCase):
    def setUp(self):
        self.dw = client()

    def test_context_manager_logs_metrics_params_data_and_artifacts(self):
        name = unique('churn')
        with self.dw.experiment(name) as exp:
            for step in range(3):
                exp.log_metric('accuracy', 0.5 + step / 10, step=step)
            exp.log_param('batchsize', 1)
            exp.log_data('data', {'rows': [[1, 2], [3, 4]]})
            if numpy is not None:
                exp.log_data('array', numpy.array([1.5, 2.5]))
            exp.log_artifact(b'\x00raw-bytes', 'model.bin')
            exp.log_artifact(Model([1, 2, 3]), 'model.pkl')
        self.assertEqual(exp.run, 1)
        self.assertEqual(exp.status(), 'STOPPED')

        metrics = exp.data(run=-1, event='metric')
        self.assertEqual([(m['run'], m['step'], m['value']) for m in metrics], [(1, 0, 0.5), (1, 1, 0.6), (1, 2, 0.7)])
        self.assertEqual(metrics[0]['experiment'], name)
        self.assertIsInstance(metrics[0]['dt'], datetime)
        self.assertEqual(exp.data(event='param')[0]['value'], 1)
        self.assertEqual(exp.restore_data('data'), [{'rows': [[1, 2], [3, 4]]}])
        if numpy is not None:
            self.assertEqual(exp.data(event='data', key='array')[0]['value'], [1.5, 2.5])
        self.assertEqual(exp.restore_artifact('model.bin'), b'\x00raw-bytes')
        self.assertEqual(exp.restore_artifact('model.pkl'), Model([1, 2, 3]))
        self.assertEqual(exp.restore_artifact('model.pkl', unpickle=False)[:1], b'\x80')
        summary = exp.summary()
        self.assertEqual(summary[0]['metrics']['accuracy']['count'], 3)
        self.assertEqual(summary[0]['params'], {'batchsize': 1})

    def test_an_exception_in_the_block_stops_the_run_and_propagates(self):
        exp = self.dw.experiment(unique('fails'))
        with self.assertRaisesRegex(RuntimeError, 'diverged'):
            with exp:
                exp.log_metric('loss', float('nan'))
                raise RuntimeError('training diverged')
        self.assertEqual(exp.status(), 'FAILED')
        self.assertEqual([e['value'] for e in exp.data(event='stop')], [{'status': 'FAILED', 'error': 'RuntimeError: training diverged'}])
        # JSON has no NaN: it travels as text
        self.assertEqual([m['value'] for m in exp.data(event='metric')], ['NaN'])

    def test_explicit_start_stop_use_and_runs(self):
        exp = self.dw.experiment(unique('explicit'))
        self.assertEqual(exp.start(), 1)
        exp.log_metric('m', 1)
        exp.stop()
        with self.assertRaises(driftwatch.DriftwatchError):
            exp.log_metric('m', 2)
        self.assertEqual(exp.start(), 2)
        exp.log_metric('m', 3)
        other = self.dw.experiment(exp.name).use()
        self.assertEqual(other.run, 2)  # the running run is reused, not a new one started
        other.log_metric('m', 4)
        other.flush()
        exp.stop()
        # the current run; both were logged within a millisecond or so, so compare without order
        self.assertEqual(sorted(m['value'] for m in exp.data(event='metric')), [3, 4])
        self.assertEqual(sorted(m['run'] for m in exp.data(event='metric', run='*')), [1, 2, 2])
        self.assertEqual([m['value'] for m in exp.data(event='metric', run=[1])], [1])
        self.assertEqual(exp.status(run=7), 'PENDING')

    def test_data_pages_and_filters(self):
        exp = self.dw.experiment(unique('paged'))
        with exp:
            for i in range(2500):
                exp.log_metric('loss', 1.0 / (i + 1), step=i)
            exp.log_param('lr', 0.1)
        pages = list(exp.data(event='metric', batchsize=1000))
        self.assertEqual([len(p) for p in pages], [1000, 1000, 500])
        self.assertEqual(sum(1 for _ in exp.data(event='metric', lazy=True)), 2500)
        self.assertEqual([m['step'] for m in exp.data(event='metric', step=[3, 4])], [3, 4])
        self.assertEqual(len(exp.data(since='5m', run='all')), 2500 + 1 + 2)  # + start and stop
        self.assertEqual(exp.data(since='2030-01-01T00:00:00Z'), [])
        self.assertEqual([e['key'] for e in exp.data(key='lr')], ['lr'])
        # further keyword filters apply to the events' fields, as in omega-ml
        self.assertEqual(len(exp.data(event='metric', value=0.5)), 1)

    def test_buffered_events_are_sent_in_the_background(self):
        name = unique('background')
        exp = self.dw.experiment(name, flush_interval=0.05)
        exp.start()
        exp.log_param('lr', 0.01)
        time.sleep(0.5)
        seen = get_json('/api/v1/experiments/%s/data?event=param' % name)
        self.assertEqual([e['value'] for e in seen['events']], [0.01])
        exp.stop()

    def test_file_objects_are_streamed_as_artifacts(self):
        exp = self.dw.experiment(unique('files'))
        payload = os.urandom(200000)
        with tempfile.TemporaryFile() as handle:
            handle.write(payload)
            handle.seek(0)
            with exp:
                meta = exp.log_artifact(handle, 'weights.bin')
        self.assertEqual(meta['size'], len(payload))
        self.assertEqual(exp.restore_artifact('weights.bin'), payload)

    def test_clear_needs_force(self):
        exp = self.dw.experiment(unique('clearme'))
        with exp:
            exp.log_metric('a', 1)
        with self.assertRaises(driftwatch.ConflictError) as refused:
            exp.clear()
        self.assertIn('force=true', refused.exception.server_message)
        exp.clear(force=True)
        with self.assertRaises(driftwatch.NotFoundError):
            exp.info()

    def test_profiling_provider_samples_in_the_background(self):
        exp = self.dw.experiment(unique('profiled'), provider='profiling', profiling_interval=0.05)
        with exp:
            until = time.time() + 0.3
            while time.time() < until:
                sum(i * i for i in range(1000))
        samples = exp.data(event=driftwatch.PROFILE_EVENT)
        keys = set(s['key'] for s in samples)
        for key in ('process_cpu_percent', 'cpu_count', 'load_1m', 'load_5m', 'load_15m'):
            self.assertIn(key, keys)
        if os.path.exists('/proc/meminfo'):
            for key in ('cpu_percent', 'memory_load', 'memory_total', 'process_rss'):
                self.assertIn(key, keys)
        self.assertGreaterEqual(len(set(s['step'] for s in samples)), 2)
        self.assertGreater(max(s['value'] for s in samples if s['key'] == 'process_cpu_percent'), 0)

        quiet = self.dw.experiment(unique('unprofiled'))
        with quiet:
            quiet.log_metric('a', 1)
        self.assertEqual(quiet.data(event=driftwatch.PROFILE_EVENT), [])

    def test_data_frames_need_pandas(self):
        exp = self.dw.experiment(unique('frames'))
        with exp:
            exp.log_metric('a', 1)
        try:
            import pandas  # noqa: F401
        except ImportError:
            with self.assertRaisesRegex(ImportError, 'pandas'):
                exp.data(as_frame=True)
        else:
            frame = exp.data(event='metric', as_frame=True)
            self.assertEqual(list(frame['value']), [1])
        self.assertIsInstance(exp.data(raw=True), list)


class ErrorsAndRetriesTest(unittest.TestCase):
    def test_4xx_raise_typed_errors_with_the_server_message(self):
        dw = client()
        with self.assertRaises(driftwatch.BadRequestError) as unknown:
            dw.experiment(unique('typed'), provider='mlflow').start()
        self.assertEqual(unknown.exception.status, 400)
        self.assertEqual(unknown.exception.server_message, 'unknown tracking provider "mlflow"')
        self.assertEqual(unknown.exception.details, {'known': ['default', 'notrack', 'profiling']})
        with self.assertRaises(driftwatch.NotFoundError) as missing:
            dw.experiment('never-created-%s' % unique('x')).info()
        self.assertIn('does not exist', str(missing.exception))
        exp = dw.experiment(unique('invalid'))
        exp.start()
        exp.log_metric('', 1)
        with self.assertRaises(driftwatch.BadRequestError) as invalid:
            exp.flush()
        self.assertIn('body.0.key', str(invalid.exception))
        exp.stop()

    def test_503_is_retried_with_backoff(self):
        retries = []
        with FrontDoor(lambda method, path, i: 'unavailable' if i < 2 else 'forward') as door:
            dw = client(url=door.url, on_retry=lambda *notice: retries.append(notice))
            self.assertIsInstance(dw.list_experiments(), list)
        self.assertEqual([(r[2], r[4]) for r in retries], [(1, 'HTTP 503'), (2, 'HTTP 503')])
        self.assertTrue(all(0 < r[3] <= 0.05 for r in retries))

    def test_retries_are_bounded(self):
        with FrontDoor(lambda method, path, i: 'unavailable') as door:
            dw = client(url=door.url, retry=driftwatch.RetryPolicy(attempts=3, initial_delay=0.01, max_delay=0.02))
            with self.assertRaises(driftwatch.ServerError) as failed:
                dw.list_experiments()
            self.assertEqual(len(door.seen), 3)
        self.assertEqual((failed.exception.status, failed.exception.attempts), (503, 3))
        self.assertIn('front door', str(failed.exception))

    def test_a_refused_connection_is_retried_then_reported(self):
        probe = socket.socket()
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
        probe.close()
        retries = []
        dw = client(url='http://127.0.0.1:%d' % port, on_retry=lambda *notice: retries.append(notice),
                    retry=driftwatch.RetryPolicy(attempts=3, initial_delay=0.01, max_delay=0.02))
        with self.assertRaises(driftwatch.NetworkError) as failed:
            dw.experiment('nowhere').start()  # a POST, retried because nothing was sent
        self.assertFalse(failed.exception.maybe_delivered)
        self.assertEqual(len(retries), 2)

    def test_events_whose_answer_was_lost_are_resent_with_the_same_key_and_stored_once(self):
        name = unique('answer-lost')
        drops = [2]

        def decide(method, path, index):
            if path.endswith('/events') and drops[0] > 0:
                drops[0] -= 1
                return 'forward_then_drop'
            return 'forward'

        fast = driftwatch.RetryPolicy(attempts=2, initial_delay=0.01, max_delay=0.02)
        with FrontDoor(decide) as door:
            exp = client(url=door.url, retry=fast).experiment(name)
            exp.start()
            exp.log_metric('a', 1)
            exp.log_metric('a', 2)
            with self.assertRaises(driftwatch.NetworkError):
                exp.flush()
            # logged after the failure: a batch of its own, never folded into the resent one
            exp.log_metric('a', 3)
            exp.flush()
            exp.stop()
            sent = [[e['value'] for e in batch] for batch in door.bodies('/api/v1/experiments/%s/events' % name)]
        self.assertEqual(sent, [[1, 2], [1, 2], [1, 2], [3]])
        self.assertEqual([e['value'] for e in client().experiment(name).data(event='metric')], [1, 2, 3])

    def test_a_non_idempotent_request_is_not_repeated_after_the_connection_broke(self):
        name = unique('half-sent')
        with FrontDoor(lambda method, path, i: 'forward_then_drop' if method == 'POST' else 'forward') as door:
            with self.assertRaises(driftwatch.NetworkError) as failed:
                client(url=door.url).experiment(name).start()
            self.assertTrue(failed.exception.maybe_delivered)
            self.assertEqual(len(door.seen), 1)
        # the run was started: repeating the POST would have started a second one
        self.assertEqual([r['run'] for r in client().experiment(name).info()['runs']], [1])


if __name__ == '__main__':
    unittest.main()
