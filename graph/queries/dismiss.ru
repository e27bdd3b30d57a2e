# SPARQL Update: record one dismissal of a finding (replacing an earlier one of the same finding) in the
# dismissals graph, with the reason, the agent (prov:wasAttributedTo), the time (prov:generatedAtTime) and
# the channel. Binds, as VALUES blocks that graph/dismissals.py puts at the start of the WHERE group from
# pyoxigraph terms: one row of ?dismissal ?finding ?kind ?reason ?agent ?by ?at ?via, one row per ?member.
# Not a .rq file: graph/queries/*.rq are the read-only questions.
PREFIX dg: <https://w3id.org/dutygraph/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
DELETE { GRAPH <https://w3id.org/dutygraph/graph/dismissals> { ?dismissal ?p ?o } }
INSERT {
  GRAPH <https://w3id.org/dutygraph/graph/dismissals> {
    ?dismissal a dg:Dismissal ; dg:dismisses ?finding ; dg:dismissedKind ?kind ; dg:concerns ?member ;
      rdfs:comment ?reason ; prov:wasAttributedTo ?agent ; prov:generatedAtTime ?at ; dg:via ?via .
    ?agent a prov:Agent ; rdfs:label ?by .
  }
}
WHERE {
  OPTIONAL { GRAPH <https://w3id.org/dutygraph/graph/dismissals> { ?dismissal ?p ?o } }
}
