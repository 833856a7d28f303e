"""A PEP 517 build backend for the one-module client, standard library only.

``pip install ./sdk/python`` needs no network and no setuptools or wheel: this backend writes the
wheel itself (PEP 427: the module, and a ``.dist-info`` folder with METADATA, WHEEL, LICENSE and
RECORD holding each file's sha256) and, for ``python -m build --sdist``, a source archive.
"""
import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NAME = 'driftwatch'
MODULE = 'driftwatch.py'
SUMMARY = 'Python client for Driftwatch: experiment tracking (omega-ml style) and prediction logging'


def _version():
    with open(os.path.join(ROOT, MODULE), encoding='utf-8') as f:
        return re.search(r"^__version__ = '([^']+)'", f.read(), re.M).group(1)


def _read(name):
    with open(os.path.join(ROOT, name), 'rb') as f:
        return f.read()


def _metadata(version):
    readme = _read('README.md').decode('utf-8')
    return (
        'Metadata-Version: 2.1\n'
        'Name: %s\nVersion: %s\nSummary: %s\nLicense: Apache-2.0\nRequires-Python: >=3.8\n'
        'Description-Content-Type: text/markdown\n\n%s' % (NAME, version, SUMMARY, readme)
    ).encode('utf-8')


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode('ascii')
    return '%s,sha256=%s,%d' % (path, digest, len(data))


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    version = _version()
    info = '%s-%s.dist-info' % (NAME, version)
    files = [
        (MODULE, _read(MODULE)),
        (info + '/METADATA', _metadata(version)),
        (info + '/WHEEL', b'Wheel-Version: 1.0\nGenerator: driftwatch_build\nRoot-Is-Purelib: true\nTag: py3-none-any\n'),
        (info + '/LICENSE', _read('LICENSE')),
    ]
    record = [_record_line(path, data) for path, data in files] + [info + '/RECORD,,']
    files.append((info + '/RECORD', ('\n'.join(record) + '\n').encode('utf-8')))
    filename = '%s-%s-py3-none-any.whl' % (NAME, version)
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), 'w', zipfile.ZIP_DEFLATED) as whl:
        for path, data in files:
            whl.writestr(path, data)
    return filename


def build_sdist(sdist_directory, config_settings=None):
    version = _version()
    base = '%s-%s' % (NAME, version)
    filename = base + '.tar.gz'
    names = [MODULE, 'README.md', 'LICENSE', 'pyproject.toml', '_build/driftwatch_build.py']
    with tarfile.open(os.path.join(sdist_directory, filename), 'w:gz') as tar:
        for name in names:
            tar.add(os.path.join(ROOT, name), arcname='%s/%s' % (base, name))
        pkg_info = tarfile.TarInfo('%s/PKG-INFO' % base)
        data = _metadata(version)
        pkg_info.size = len(data)
        tar.addfile(pkg_info, io.BytesIO(data))
    return filename
