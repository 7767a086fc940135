"""Stubs written from the providers' documents alone (``../shared/seeds``), not from our
simulators: each answers the document's example bodies word for word where it gives one, and
where the document shows no answer, the plainest shape its other examples suggest (said so at
each handler). They share only the HTTP plumbing (``tests/fakes/providers/server.py``), which
makes no assumption about any provider. An adapter that works against a stub works against a
server that follows only the document; what it still assumes is listed in docs/providers.md.
"""
