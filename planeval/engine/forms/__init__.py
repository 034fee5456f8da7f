"""One rule per target form (labels.yml `target_form`). Each takes a Row and returns the status, the numbers
behind it and a reason, and fills the row's audit record so a reviewer can recompute it by hand."""
from .average import assess_average
from .bound import assess_bound
from .cumulative import assess_cumulative, assess_cumulative_reduction
from .growth import assess_annual_targets, assess_growth
from .level import assess_level
from .relational import assess_relational
from .verdict import assess_city_assigned, assess_qualitative

FORMS = {"level": assess_level, "ceiling": assess_bound, "floor": assess_bound, "growth": assess_growth,
         "cumulative": assess_cumulative, "cumulative_reduction": assess_cumulative_reduction,
         "city_assigned": assess_city_assigned, "relational": assess_relational,
         "qualitative": assess_qualitative, "annual_targets": assess_annual_targets, "average": assess_average}
