"""Records → RDF: building triples, the embedded store, and the analyses that read it."""
