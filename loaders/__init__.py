"""Documents → records. One parser per layout; `read_document` detects the layout."""
from .detect import LAYOUTS, read_document
from .errors import LoadError
from .records import Deadline, PlanRecord, TaskRecord

__all__ = ["LoadError", "Deadline", "PlanRecord", "TaskRecord", "LAYOUTS", "read_document"]
