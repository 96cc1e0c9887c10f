"""What a payslip process needs, loaded once in the forkserver so every worker forks ready.

``payroll.runs.outputs`` preloads this module in the ``forkserver`` it renders payslips from (and
starts that server early, while the month is still being computed): importing it imports the
payslip renderer, registers the embedded Korean font, prepares its faces
(:func:`payroll.documents.pdf.warm`) and renders one throw-away page, so that the font tables the
faces keep are read here, once, and not by every worker on its first payslip. A worker forked
from the server then starts at full speed. Importing it anywhere else does the same work, once
per process; nothing here changes what is rendered.
"""

from __future__ import annotations

from payroll.documents import payslip  # noqa: F401  (the renderer and its imports)
from payroll.documents.pdf import render, warm

warm()
render(lambda doc: doc.table(["임금명세서", "금액 (원)"], [["기본급", 1_234_567_890]]), title="warm-up")
