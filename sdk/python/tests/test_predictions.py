import subprocess
import sys
import textwrap
import time
import unittest

from support import SDK_DIR, URL, FrontDoor, client, driftwatch, get_json, unique


def new_endpoint(dw):
    """A fresh endpoint with features x (numeric) and c (categorical) and a reference."""
    endpoint = dw.register_endpoint(unique('churn'), features={'x': 'numeric', 'c': 'categorical'},
                                    prediction_columns={'prediction': 'categorical'}, label_columns=['label'])
    rows = [{'x': i, 'c': 'a' if i < 50 else 'b', 'prediction': 'yes' if i % 2 else 'no',
             'label': 'yes' if i % 2 else 'no'} for i in range(100)]
    reference = dw.register_reference(endpoint['id'], rows)
    assert reference['version'] == 1
    return endpoint


def prediction_count(endpoint_id):
    return get_json('/api/v1/endpoints/%s' % endpoint_id)['predictionCount']


def features(i):
    return {'x': i % 100, 'c': 'a' if i % 3 else 'b'}


class PredictionLoggerTest(unittest.TestCase):
    def setUp(self):
        self.dw = client()
        self.endpoint = new_endpoint(self.dw)

    def test_events_go_in_batches_and_are_counted(self):
        with FrontDoor() as door:
            logger = client(url=door.url).prediction_logger(endpoint=self.endpoint['id'], batch_size=100,
                                                            flush_on_exit=False)
            for i in range(250):
                self.assertTrue(logger.log(features(i), prediction='yes', latency_ms=3.5))
            self.assertTrue(logger.close(timeout=30))
            batches = door.bodies('/api/v1/predictions')
        self.assertEqual(sorted(len(b['events']) for b in batches), [50, 100, 100])
        self.assertEqual(len(set(b['batchId'] for b in batches)), 3)
        stats = logger.stats
        self.assertEqual((stats['sent'], stats['dropped'], stats['failed'], stats['queued']), (250, 0, 0, 0))
        self.assertEqual(prediction_count(self.endpoint['id']), 250)

    def test_events_past_the_queue_bound_are_dropped_and_counted(self):
        logger = self.dw.prediction_logger(endpoint=self.endpoint['id'], max_queue=50, batch_size=1000,
                                           flush_interval=60, flush_on_exit=False)
        accepted = [logger.log(features(i)) for i in range(80)]
        self.assertEqual(accepted.count(True), 50)
        self.assertEqual((logger.stats['queued'], logger.stats['dropped']), (50, 30))
        logger.close(timeout=30)
        self.assertEqual(logger.stats['sent'], 50)
        self.assertFalse(logger.log(features(0)))  # closed
        self.assertEqual(logger.stats['dropped'], 31)
        self.assertEqual(prediction_count(self.endpoint['id']), 50)

    def test_503_is_retried_with_the_same_batch_id(self):
        decide = (lambda method, path, i: 'unavailable' if path == '/api/v1/predictions' and i < 2 else 'forward')
        with FrontDoor(decide) as door:
            logger = client(url=door.url).prediction_logger(endpoint=self.endpoint['id'], flush_on_exit=False)
            for i in range(10):
                logger.log(features(i))
            logger.close(timeout=30)
            ids = [b['batchId'] for b in door.bodies('/api/v1/predictions')]
        self.assertEqual(len(ids), 3)
        self.assertEqual(len(set(ids)), 1)
        self.assertEqual((logger.stats['sent'], logger.stats['retries']), (10, 2))
        self.assertEqual(prediction_count(self.endpoint['id']), 10)

    def test_a_batch_is_counted_once_when_the_connection_dies_after_the_commit(self):
        decide = (lambda method, path, i: 'forward_then_drop' if i == 0 else 'forward')
        with FrontDoor(decide) as door:
            logger = client(url=door.url).prediction_logger(endpoint=self.endpoint['id'], flush_on_exit=False)
            for i in range(40):
                logger.log(features(i))
            logger.close(timeout=30)
            self.assertEqual(len(door.seen), 2)
        self.assertEqual((logger.stats['sent'], logger.stats['retries'], logger.stats['failed']), (40, 1, 0))
        self.assertEqual(prediction_count(self.endpoint['id']), 40)

    def test_only_the_event_the_server_names_is_dropped(self):
        reported = []
        logger = self.dw.prediction_logger(endpoint=self.endpoint['id'], flush_on_exit=False,
                                           on_error=lambda error, lost: reported.append((error, lost)))
        for i in range(10):
            logger.log({'x': 'forty', 'c': 'a'} if i == 4 else features(i))
        logger.close(timeout=30)
        self.assertEqual((logger.stats['sent'], logger.stats['failed'], logger.stats['errors']), (9, 1, 1))
        self.assertIsInstance(reported[0][0], driftwatch.BadRequestError)
        self.assertIn('event 4: feature "x" is numeric but got "forty"', str(reported[0][0]))
        self.assertEqual(reported[0][1], 1)
        self.assertEqual(prediction_count(self.endpoint['id']), 9)

    def test_an_unresponsive_server_never_blocks_logging(self):
        with FrontDoor(lambda method, path, i: 'hang') as door:
            dw = client(url=door.url, timeout=0.1, retry=driftwatch.RetryPolicy(attempts=1))
            logger = dw.prediction_logger(endpoint=self.endpoint['id'], batch_size=10, max_queue=100,
                                          flush_on_exit=False)
            started = time.perf_counter()
            for i in range(2000):
                logger.log(features(i))
            self.assertLess(time.perf_counter() - started, 1.0)
            logger.close(timeout=30)
        stats = logger.stats
        self.assertEqual(stats['sent'], 0)
        self.assertEqual(stats['dropped'] + stats['failed'], 2000)
        self.assertGreaterEqual(stats['dropped'], 1800)
        self.assertIsInstance(stats['last_error'], driftwatch.NetworkError)

    def test_ground_truth_joins_by_request_id(self):
        logger = self.dw.prediction_logger(endpoint=self.endpoint['id'], flush_on_exit=False)
        for i in range(6):
            logger.log(features(i), prediction='yes' if i % 2 else 'no', request_id='req-%d' % i)
        logger.flush(timeout=30)
        for i in range(6):
            logger.log_label('req-%d' % i, 'yes')
        logger.close(timeout=30)
        self.assertEqual(logger.stats['labels_sent'], 6)
        metrics = self.dw.endpoint_metrics(self.endpoint['id'], from_='now-1h')
        self.assertEqual(metrics['total']['labeled'], 6)
        self.assertAlmostEqual(metrics['total']['accuracy'], 0.5)
        receipt = self.dw.log_labels([('req-late', 'no')])
        self.assertEqual(receipt, {'accepted': 1, 'joined': 0, 'pending': 1, 'alreadyLabelled': 0})
        # A label sent again (a retry) is recognised and not counted twice.
        again = self.dw.log_labels([('req-0', 'no')])
        self.assertEqual(again, {'accepted': 1, 'joined': 0, 'pending': 0, 'alreadyLabelled': 1})
        self.assertEqual(self.dw.endpoint_metrics(self.endpoint['id'], from_='now-1h')['total']['labeled'], 6)

    def test_a_direct_batch_with_a_batch_id_counts_once(self):
        events = [{'features': features(i), 'prediction': 'yes', 'latency_ms': 2} for i in range(5)]
        first = self.dw.log_predictions(events, endpoint=self.endpoint['id'], batch_id=unique('batch'))
        again = self.dw.log_predictions(events, endpoint=self.endpoint['id'], batch_id=first['batchId'])
        self.assertEqual((first['duplicate'], again['duplicate']), (False, True))
        self.assertEqual(prediction_count(self.endpoint['id']), 5)

    def test_predictions_show_up_in_drift(self):
        endpoint = self.dw.register_endpoint(unique('drifting'), features={'x': 'numeric'})
        logger = self.dw.prediction_logger(endpoint=endpoint['id'], flush_on_exit=False)
        logger.register_reference([{'x': i % 100, 'prediction': i % 2} for i in range(200)])
        for i in range(100):
            logger.log({'x': 150 + i}, prediction=1)
        logger.close(timeout=30)
        report = self.dw.drift(endpoint['id'], from_='now-1h', to='now')
        self.assertEqual(report['window']['predictions'], 100)
        self.assertEqual(report['features'][0]['quality']['outOfRangeShare'], 1)
        self.assertEqual(report['overall']['status'], 'DRIFT_DETECTED')

    def test_the_queue_is_sent_when_the_interpreter_exits(self):
        script = textwrap.dedent('''
            import sys
            sys.path.insert(0, %r)
            import driftwatch
            logger = driftwatch.connect(%r).prediction_logger(endpoint=%r, flush_interval=60, batch_size=10000)
            for i in range(137):
                logger.log({'x': i %% 100, 'c': 'a'}, prediction='yes')
            # no close(): the atexit hook sends the queue
        ''' % (SDK_DIR, URL, self.endpoint['id']))
        result = subprocess.run([sys.executable, '-c', script], capture_output=True, text=True, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(prediction_count(self.endpoint['id']), 137)


class ServingHelperTest(unittest.TestCase):
    def setUp(self):
        self.dw = client()
        self.endpoint = self.dw.register_endpoint(unique('iris-rule'),
                                                  features={'sepal_length': 'numeric', 'petal_length': 'numeric'},
                                                  prediction_columns={'prediction': 'categorical'})
        self.logger = self.dw.prediction_logger(endpoint=self.endpoint['id'], flush_on_exit=False)

    def tearDown(self):
        self.logger.close(timeout=30)

    def test_monitor_logs_results_latency_and_errors_and_passes_them_through(self):
        @self.logger.monitor(request_id=lambda row: row.get('id'))
        def predict(row):
            if row['petal_length'] < 0:
                raise ValueError('petal length cannot be negative')
            return 'setosa' if row['petal_length'] < 2.5 else 'versicolor'

        self.assertEqual(predict({'sepal_length': 5.1, 'petal_length': 1.4}), 'setosa')
        self.assertEqual(predict.__name__, 'predict')
        with self.assertRaisesRegex(ValueError, 'negative'):
            predict({'sepal_length': 6.0, 'petal_length': -1.0})
        self.logger.flush(timeout=30)
        endpoint = get_json('/api/v1/endpoints/%s' % self.endpoint['id'])
        self.assertEqual((endpoint['predictionCount'], endpoint['errorCount']), (2, 1))
        self.assertEqual(self.logger.stats['failed'], 0)

    def test_logging_problems_are_counted_never_raised(self):
        shout = self.logger.monitor(lambda text: text.upper())
        self.assertEqual(shout('hello'), 'HELLO')  # a string is no feature row
        self.logger.flush(timeout=30)
        self.assertEqual((self.logger.stats['failed'], self.logger.stats['errors']), (1, 1))

    def test_batch_predictions_log_one_event_per_row(self):
        # plain lists: batch monitoring needs no numpy (a numpy matrix is iterated the same way)
        def predict_many(matrix):
            return ['setosa' if b < 2.5 else 'versicolor' for _, b in matrix]

        monitored = self.logger.monitor(predict_many, batch=True,
                                        features=lambda matrix: [{'sepal_length': float(a), 'petal_length': float(b)}
                                                                 for a, b in matrix])
        matrix = [[5.1, 1.4], [6.2, 4.3], [5.9, 5.1]]
        self.assertEqual(list(monitored(matrix)), ['setosa', 'versicolor', 'versicolor'])
        self.logger.flush(timeout=30)
        self.assertEqual(get_json('/api/v1/endpoints/%s' % self.endpoint['id'])['predictionCount'], 3)

if __name__ == '__main__':
    unittest.main()
