"""Driftwatch end to end with the Python client, on Fisher's iris data (iris.csv next to this file):

 1. train a small classifier inside a tracked run (params, metrics, the model as an artifact),
 2. register the model as an endpoint with its training data as the drift reference,
 3. serve predictions through the monitoring decorator, first on normal inputs, then on drifted
    ones, and send the ground truth for them,
 4. ask the server how much the inputs drifted.

Run against a proxy:  DRIFTWATCH_URL=http://localhost:8080 python3 examples/python/end_to_end.py
Standard library only; the client is the single file sdk/python/driftwatch.py (copy it next to
your code, or put its folder on PYTHONPATH). The last line is `RESULT {...}` as JSON, for scripts.
"""
import csv
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
# inside this repository: use the client from sdk/python
sys.path.insert(0, os.path.join(HERE, '..', '..', 'sdk', 'python'))

import driftwatch  # noqa: E402

FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']


class NearestCentroid(object):
    """The mean flower of each species; predicts the closest one."""

    def fit(self, rows, species):
        sums = {}
        for row, label in zip(rows, species):
            total, count = sums.get(label, ({f: 0.0 for f in FEATURES}, 0))
            sums[label] = ({f: total[f] + row[f] for f in FEATURES}, count + 1)
        self.centroids = {label: {f: total[f] / count for f in FEATURES} for label, (total, count) in sums.items()}
        return self

    def predict(self, row):
        return min(self.centroids, key=lambda label: sum((row[f] - self.centroids[label][f]) ** 2 for f in FEATURES))

    def score(self, rows, species):
        return sum(self.predict(r) == s for r, s in zip(rows, species)) / float(len(rows))


def load_iris():
    with open(os.path.join(HERE, 'iris.csv')) as handle:
        records = list(csv.DictReader(handle))
    return [{f: float(r[f]) for f in FEATURES} for r in records], [r['species'] for r in records]


def main():
    dw = driftwatch.connect(os.environ.get('DRIFTWATCH_URL', 'http://localhost:8080'))
    rows, species = load_iris()
    # every fifth flower is held out for testing; the rest trains the model
    train = [(r, s) for i, (r, s) in enumerate(zip(rows, species)) if i % 5]
    test = [(r, s) for i, (r, s) in enumerate(zip(rows, species)) if not i % 5]
    train_rows, train_species = [r for r, _ in train], [s for _, s in train]
    test_rows, test_species = [r for r, _ in test], [s for _, s in test]

    # 1. training, tracked (the profiling provider samples cpu, memory and load meanwhile)
    with dw.experiment('iris-centroid-py', provider='profiling', profiling_interval=0.2) as exp:
        exp.log_param('algorithm', 'nearest-centroid')
        exp.log_param('features', FEATURES)
        exp.log_param('train_rows', len(train_rows))
        for step in range(1, 6):
            # "epochs" over growing shares of the training data, to give the metric a curve
            subset = [i for i in range(len(train_rows)) if i % 5 < step]
            model = NearestCentroid().fit([train_rows[i] for i in subset], [train_species[i] for i in subset])
            exp.log_metric('accuracy', model.score(test_rows, test_species), step=step)
        exp.log_data('confusion_sample', [[s, model.predict(r)] for r, s in test[:5]])
        exp.log_artifact(model, 'model.pkl')
    run = exp.run
    accuracy = exp.data(run=run, event='metric', key='accuracy')
    print('run %d: accuracy %.3f over %d steps' % (run, accuracy[-1]['value'], len(accuracy)))
    restored = exp.restore_artifact('model.pkl', run=run)
    print('model artifact restored: %s with %d centroids' % (type(restored).__name__, len(restored.centroids)))

    # 2. the endpoint, and its training data as reference (with the model's predictions and the truth)
    endpoint = dw.register_endpoint('iris-centroid-py', version='run-%d' % run, model_class='NearestCentroid',
                                    labels={'example': 'python'}, features={f: 'numeric' for f in FEATURES},
                                    prediction_columns={'prediction': 'categorical'}, label_columns=['label'])
    dw.register_reference(endpoint['id'], [dict(r, prediction=model.predict(r), label=s) for r, s in train])

    # 3. serving: every call is logged in the background
    logger = dw.prediction_logger(endpoint=endpoint['id'], batch_size=100)

    @logger.monitor(request_id=lambda row, request_id: request_id)
    def serve(row, request_id):
        return model.predict(row)

    served = 0
    for round_number in range(2):
        for i, (row, truth) in enumerate(test):
            jitter = ((i + round_number) * 7919 % 11) / 100.0 - 0.05
            request_id = 'py-normal-%d-%d-%d' % (run, round_number, i)
            serve({f: row[f] + jitter for f in FEATURES}, request_id)
            logger.log_label(request_id, truth)
            served += 1
    # drift: a new supplier's flowers are 40 % larger all round, and their petals 2 cm longer still
    for round_number in range(6):
        for i, (row, truth) in enumerate(test):
            request_id = 'py-drifted-%d-%d-%d' % (run, round_number, i)
            serve({f: row[f] * 1.4 + (2 if f == 'petal_length' else 0) for f in FEATURES}, request_id)
            logger.log_label(request_id, truth)
            served += 1
    logger.close(timeout=30)
    stats = logger.stats
    print('served %d predictions: sent %d, dropped %d, failed %d' % (served, stats['sent'], stats['dropped'],
                                                                     stats['failed']))

    # 4. what the server saw
    report = dw.drift(endpoint['id'], from_='now-1h', to='now')
    tvd = {f['name']: round(f['measures']['tvd']['value'], 3) for f in report['features']}
    print('drift over %d predictions: %s; TVD per feature %s' % (report['window']['predictions'],
                                                                   report['overall']['status'], json.dumps(tvd)))
    print('RESULT %s' % json.dumps({'endpointId': endpoint['id'], 'run': run, 'served': served, 'sent': stats['sent'],
                                    'predictions': report['window']['predictions'],
                                    'status': report['overall']['status'], 'tvd': tvd}))


if __name__ == '__main__':
    main()
