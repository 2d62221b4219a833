"""Code shared by both clients: the executor, transport, GraphQL documents and helpers."""
