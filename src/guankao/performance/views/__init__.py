"""The performance pages, by audience: ``public`` (the report and its downloads), ``editor``
(coordinators: plans, texts, status), ``reviewer`` (the review view); ``access`` is what they
share."""
