# SPARQL Update: withdraw one dismissal (its triples in the dismissals graph; the agent stays). Binds ?dismissal,
# as a VALUES block that graph/dismissals.py puts at the start of the WHERE group from a pyoxigraph term.
PREFIX dg: <https://w3id.org/dutygraph/ontology#>
DELETE { GRAPH <https://w3id.org/dutygraph/graph/dismissals> { ?dismissal ?p ?o } }
WHERE {
  GRAPH <https://w3id.org/dutygraph/graph/dismissals> { ?dismissal a dg:Dismissal ; ?p ?o }
}
