"""Signals the divisions app sends, for apps above it to act on without being imported here.

``task_texts_changed``: a write gave tasks a new text. ``changes`` is a list of
``(old_text, new_text)`` pairs: the text the task had in the same table before, or in the
newest published version before this one (a new version's task matched by agency and number).
The directory app keeps the old text's translations for the new one, marked outdated
(decision 0065). Sent inside the writing transaction, so a preview's rollback undoes both.
"""

from __future__ import annotations

from django.dispatch import Signal

task_texts_changed = Signal()
