"""Build hook for the one optional C module; everything else is in setup.cfg.

``skpxl._speedups`` (see ``skpxl/_speedups.c``) reads the cells of returned sheets and
writes the rows of report tables faster; where it cannot be compiled (no C compiler),
installation goes on without it and skpxl uses the Python version of the same code.
"""

import sys

from setuptools import Extension, setup

setup(ext_modules=[Extension("skpxl._speedups", ["skpxl/_speedups.c"], optional=True,
                             libraries=[] if sys.platform == "win32" else ["m"])])
