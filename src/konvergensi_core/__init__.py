"""Konvergensi's pure analysis core.

Nothing in this package imports Django: the web app, the CLI and notebooks call the same
functions. Modules: ``kode`` (Kemendagri region codes), ``aksi`` (the annual cycle's rules).
"""
