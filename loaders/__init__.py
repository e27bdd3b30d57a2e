"""Documents → records. One parser per layout; `read_document` detects the layout."""
from .errors import LoadError
from .records import Deadline, PlanRecord, TaskRecord
from .detect import LAYOUTS, read_document

__all__ = ["LoadError", "Deadline", "PlanRecord", "TaskRecord", "LAYOUTS", "read_document"]
