"""A local Approw-compatible server for development and tests (``python -m approw.emulator``).

Importing this package is cheap: the server, graphql-core and cryptography are loaded only
by ``approw.emulator.app`` (``Emulator``) and the modules it uses.  See README.md here.
"""
