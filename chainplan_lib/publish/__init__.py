"""Publish: executed notebooks → what people receive.

* the runs: :mod:`.batch` (``chainplan brief``), :mod:`.many` (``chainplan brief`` for several plans, with the
  comparison page of :mod:`.districts_page`) and :mod:`.run` (``chainplan run``), over :mod:`.sources` (the
  committed notebooks, read once), :mod:`.parameters`, :mod:`.report_data` (a report's own ``data/``),
  :mod:`.progress_batch`, :mod:`.workspace` (the private build folder and the swap) and :mod:`.manifest`;
* the processes: :mod:`.pool` and :mod:`.worker` (spawned workers, one fresh kernel per notebook, every exit path),
  :mod:`.kernels`, :mod:`.spare_kernel` and :mod:`.kernel_template`, :mod:`.guard` (when the batch process itself dies), :mod:`.run_order`;
* the outputs: :mod:`.formats` (the registry: ``html``, ``analyst``, ``pdf``, ``docx``) over :mod:`.notebook` (one
  preparation of an executed notebook for every format), :mod:`.pages` (web pages), :mod:`.render` (the PDF),
  :mod:`.docx` (the Word file), :mod:`.shell` (every page's self-contained shell), :mod:`.site` (navigation and
  indexes) and :mod:`.fonts`.

Layer 6: may import every layer below; only ``cli`` imports it. Nothing below it starts a process.
``tests/test_layers.py`` enforces this, and that no import cycle exists.
"""
