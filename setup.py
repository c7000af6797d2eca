"""Build hook for the one optional C module; everything else is in setup.cfg.

``skpxl._speedups`` (see ``skpxl/_speedups.c``) finds the wanted cells of returned sheets
faster; where it cannot be compiled (no C compiler), installation goes on without it and
skpxl uses the Python version of the same code.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("skpxl._speedups", ["skpxl/_speedups.c"], optional=True)])
