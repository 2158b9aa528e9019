"""Attrib's pure core: the rules as code. Imports no Django (``tests/test_architecture.py``)."""
