import gzip
import io
import os
import tempfile
import unittest

from support import client, driftwatch, get_json, unique


def rows(n):
    return [{'x': (i * 37) % 101 / 10.0, 'kind': 'a' if i % 3 else 'b', 'n': i % 7} for i in range(n)]


def csv_text(items):
    lines = ['x,kind,n'] + ['%r,%s,%d' % (r['x'], r['kind'], r['n']) for r in items]
    return ('\n'.join(lines) + '\n').encode('utf-8')


class ReferenceTest(unittest.TestCase):
    def setUp(self):
        self.dw = client()

    def endpoint(self):
        return self.dw.register_endpoint(unique('ref-model'))['id']

    def test_a_path_a_stream_an_iterable_and_rows_in_memory_give_one_reference(self):
        data = rows(3000)
        in_memory = self.endpoint()
        self.dw.register_reference(in_memory, data)
        expected = get_json('/api/v1/endpoints/%s/reference' % in_memory)['statistics']

        folder = tempfile.mkdtemp()
        path = os.path.join(folder, 'train.csv.gz')
        with open(path, 'wb') as handle:
            handle.write(gzip.compress(csv_text(data)))
        seen = []
        from_path = self.endpoint()
        stored = self.dw.set_reference(from_path, path, progress=lambda sent, total: seen.append((sent, total)))
        self.assertEqual(stored['rowCount'], 3000)
        self.assertEqual(stored['statistics'], expected)
        self.assertEqual(seen[-1][0], os.path.getsize(path))
        self.assertEqual(seen[-1][1], os.path.getsize(path))
        os.remove(path)
        os.rmdir(folder)

        from_stream = self.endpoint()
        self.assertEqual(self.dw.set_reference(from_stream, io.BytesIO(csv_text(data)))['statistics'], expected)
        from_iterable = self.endpoint()
        self.assertEqual(self.dw.set_reference(from_iterable, (r for r in data))['statistics'], expected)

    def test_progress_lines_on_stderr(self):
        buffer = io.StringIO()
        report = driftwatch._progress_printer(buffer)
        for sent in (0, 50, 100, 100):
            report(sent, 100)
        self.assertEqual(buffer.getvalue().splitlines(), [
            'driftwatch: uploading reference: 0% (0.0 of 0.0 MB)',
            'driftwatch: uploading reference: 50% (0.0 of 0.0 MB)',
            'driftwatch: uploading reference: 100% (0.0 of 0.0 MB)',
        ])

    def test_a_run_artifact_becomes_the_reference_with_lineage(self):
        name = unique('ref-exp')
        with self.dw.experiment(name) as exp:
            exp.log_artifact(csv_text(rows(500)), 'train.csv', content_type='text/csv')
            run = exp.run
        endpoint = self.endpoint()
        stored = self.dw.set_reference(endpoint, experiment=name, run=run, artifact='train.csv')
        self.assertEqual(stored['statistics']['lineage']['rows'], 500)
        self.assertEqual(stored['statistics']['lineage']['experiment'], name)
        self.assertEqual(self.dw.get_endpoint(endpoint)['referenceLineage']['artifact'], 'train.csv')
        with self.assertRaises(driftwatch.NotFoundError):
            self.dw.set_reference(endpoint, experiment=name, run=run, artifact='missing.csv')
        with self.assertRaises(driftwatch.UnprocessableError) as caught:
            self.dw.set_reference(endpoint, io.BytesIO(b'x,kind\n'))
        self.assertEqual(caught.exception.status, 422)
        with self.assertRaises(ValueError):
            self.dw.set_reference(endpoint)


if __name__ == '__main__':
    unittest.main()
