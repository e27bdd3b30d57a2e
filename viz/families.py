"""Function → family (职能类别), the colour of a department: one query (viz/queries/function_families.rq)
and one function. Families come from the fallback table in viz.looks until the ontology's dg:family is
final; switching is the one line USE_ONTOLOGY below (the table still covers functions the ontology leaves
without a family)."""
from __future__ import annotations

import pyoxigraph as ox

from .looks import FAMILY_OF_FUNCTION
from .queries import select

USE_ONTOLOGY = True     # True: a family the ontology gives (dg:family) wins over the table


def function_families(store: ox.Store) -> dict[str, str]:
    """Function IRI → family label, for every function the store knows."""
    families: dict[str, str] = {}
    for row in select(store, "function_families"):
        family = (row["familyLabel"] if USE_ONTOLOGY else None) or FAMILY_OF_FUNCTION.get(row["label"])
        if family:
            families[row["function"]] = family
    return families
