"""What a payslip process needs, loaded once in the forkserver so every worker forks ready.

``payroll.runs.outputs`` preloads this module in the ``forkserver`` it renders payslips from (and
starts that server early, while the month is still being computed): importing it imports the
payslip renderer, registers the embedded Korean font and prepares its faces
(:func:`payroll.documents.pdf.warm`). A worker forked from the server then renders its first
payslip at once instead of reading the 6 MB font file itself. Importing it anywhere else does
the same work, once per process; nothing here changes what is rendered.
"""

from __future__ import annotations

from payroll.documents import payslip  # noqa: F401  (the renderer and its imports)
from payroll.documents.pdf import warm

warm()
