"""omega-ml tracking code runs against Driftwatch with only the import and client construction
changed: the snippet is executed as a script after swapping `import omegaml as om` for a client."""
import os
import subprocess
import sys
import tempfile
import unittest

from support import HERE, SDK_DIR, URL, client, driftwatch

OMEGA_IMPORT = 'import omegaml as om\n'
DRIFTWATCH_IMPORT = 'import driftwatch; om = driftwatch.connect()\n'


class OmegaMlCompatibilityTest(unittest.TestCase):
    def test_omegaml_snippet_runs_with_only_the_import_changed(self):
        with open(os.path.join(HERE, 'omegaml_snippet.py')) as handle:
            original = handle.read()
        self.assertEqual(original.count(OMEGA_IMPORT), 1)
        ported = original.replace(OMEGA_IMPORT, DRIFTWATCH_IMPORT)
        # exactly one line differs
        changed = [(a, b) for a, b in zip(original.splitlines(), ported.splitlines()) if a != b]
        self.assertEqual(len(changed), 1)

        try:
            client().experiment('myexp').clear(force=True)  # left over from an earlier, failed run
        except driftwatch.NotFoundError:
            pass
        with tempfile.NamedTemporaryFile('w', suffix='.py', delete=False) as script:
            script.write(ported)
        try:
            env = dict(os.environ, DRIFTWATCH_URL=URL, PYTHONPATH=SDK_DIR)
            result = subprocess.run([sys.executable, script.name], capture_output=True, text=True, env=env, timeout=120)
        finally:
            os.unlink(script.name)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        lines = result.stdout.splitlines()
        # run 1: start, metric, param, artifact, data, system, stop; run 2: start, 3 metrics, stop
        self.assertEqual(lines[0], 'events 12')
        self.assertEqual(lines[1], 'runs [1, 2]')
        self.assertEqual(lines[2], 'latest steps [0, 1, 2]')
        self.assertEqual(lines[3], "params {'strategy': 'majority'}")
        self.assertEqual(lines[4], 'restored MajorityClassifier 0.6')
        self.assertEqual(lines[5], 'system CPython')
        self.assertEqual(lines[6], 'cleared []')


if __name__ == '__main__':
    unittest.main()
