# Experiment tracking as omega-ml's documentation shows it (docs/source/guide/models/tracking/
# tracking.rst and the OmegaSimpleTracker docstrings). It is written for omega-ml: the test
# replaces the import line below with a Driftwatch client, and changes nothing else.
import omegaml as om


# a small model standing in for scikit-learn's, so the example runs anywhere
class MajorityClassifier:
    def fit(self, X, Y):
        self.majority_ = max(set(Y), key=Y.count)
        return self

    def predict(self, X):
        return [self.majority_ for _ in X]

    def score(self, X, Y):
        return sum(p == y for p, y in zip(self.predict(X), Y)) / len(Y)

    def get_params(self):
        return {'strategy': 'majority'}


X = [[5.1, 3.5], [4.9, 3.0], [6.2, 3.4], [5.9, 3.0], [6.0, 2.2]]
Y = [0, 0, 1, 1, 1]
lr = MajorityClassifier().fit(X, Y)

# assuming we have a model lr and data X and Y
with om.runtime.experiment('myexp') as exp:
    score = lr.score(X, Y)
    exp.log_metric('accuracy', score)
    exp.log_param('params', lr.get_params())
    exp.log_artifact(lr, 'model')
    exp.log_data('predictions', lr.predict(X))
    exp.log_system()

with om.runtime.experiment('myexp', provider='default') as exp:
    for step in range(3):
        exp.log_metric('accuracy', score, step=step)

exp = om.runtime.experiment('myexp')
data = exp.data()
print('events', len(data))
metrics = exp.data(event='metric', key='accuracy', run='*')
print('runs', sorted(set(row['run'] for row in metrics)))
latest = exp.data(run=-1, event='metric')
print('latest steps', [row['step'] for row in latest])
print('params', exp.data(event='param', run=1)[0]['value'])
model = exp.restore_artifact('model')
print('restored', type(model).__name__, model.score(X, Y))
print('system', exp.data(event='system', run=1)[0]['value']['python'].split('-')[0])
exp.clear(force=True)
print('cleared', exp.data(run='*'))
