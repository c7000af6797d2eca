"""skpxl: SKP (Sasaran Kinerja Pegawai) workbooks for Indonesian civil servants.

Generate pre-filled workbooks from a roster, validate the ones staff send back, merge the
valid ones into unit and province reports.
"""

__version__ = "0.1.0"
