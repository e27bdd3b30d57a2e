"""The IRI scheme. Every IRI dutygraph mints is built here, so they stay stable across runs."""
from __future__ import annotations

from urllib.parse import quote, unquote

BASE = "https://w3id.org/dutygraph/"
DG = BASE + "ontology#"
ID = BASE + "id/"
GRAPH = BASE + "graph/"
ONTOLOGY_GRAPH = GRAPH + "ontology"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
TIME = "http://www.w3.org/2006/time#"
SH = "http://www.w3.org/ns/shacl#"

PREFIXES: dict[str, str] = {
    "dg": DG, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "owl": OWL, "skos": SKOS,
    "dct": DCT, "prov": PROV, "org": ORG, "time": TIME,
}


def slug(text: str) -> str:
    """Percent-encode text (UTF-8) so Chinese names make valid, deterministic IRIs."""
    return quote(text.strip(), safe="-_.~")


FILE_GRAPH = GRAPH + "file/"


def file_graph(file_name: str) -> str:
    """Where an RDF file given to `load` goes unless --graph names another graph."""
    return f"{FILE_GRAPH}{slug(file_name)}"


def is_reserved_graph(iri: str) -> bool:
    """dutygraph's own graphs (plans, ontology, analysis, and the load journal and staging graphs) are
    everything under …/graph/ except the users' …/graph/file/…; user RDF must not replace them."""
    return iri.startswith(GRAPH) and not iri.startswith(FILE_GRAPH)


def plan_iri(plan_id: str) -> str:
    return f"{ID}plan/{slug(plan_id)}"


def plan_graph(plan_id: str) -> str:
    """Each plan lives in its own named graph, so a re-load can replace it atomically."""
    return f"{GRAPH}plan/{slug(plan_id)}"


def task_iri(plan_id: str, kind: str, number: int) -> str:
    return f"{ID}task/{slug(plan_id)}/{kind}/{number}"


def plan_id_of(plan: str) -> str | None:
    """The plan id inside a plan IRI minted by plan_iri, or None for any other text."""
    prefix = f"{ID}plan/"
    return unquote(plan[len(prefix):]) if plan.startswith(prefix) and "/" not in plan[len(prefix):] else None


def plan_of_task(task_id: str) -> str | None:
    """The plan id inside a duty IRI minted by task_iri, or None for any other text."""
    prefix = f"{ID}task/"
    if not task_id.startswith(prefix) or task_id.count("/", len(prefix)) != 2:
        return None
    return unquote(task_id[len(prefix):].split("/", 1)[0])


def section_iri(plan_id: str, kind: str, index: int) -> str:
    return f"{ID}section/{slug(plan_id)}/{kind}/{index}"


def org_iri(jurisdiction: str, name: str) -> str:
    """Departments are per jurisdiction: 市应急局 of 成都市 is not 市应急局 of another city."""
    return f"{ID}org/{slug(jurisdiction or 'unknown')}/{slug(name)}"


def collective_iri(jurisdiction: str, name: str) -> str:
    return f"{ID}collective/{slug(jurisdiction or 'unknown')}/{slug(name)}"
