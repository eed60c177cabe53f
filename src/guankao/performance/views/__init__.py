"""The performance pages, by audience: ``public`` (the report and its downloads), ``editor``
(coordinators: plans and texts), ``status`` (the report's status, confirmed first), ``reviewer`` (the review view); ``access`` is what they
share."""
