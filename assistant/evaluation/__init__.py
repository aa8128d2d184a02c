"""`assistant eval`: runs suites in the shared format (shared/EVAL_FORMAT.md), scores, reports.

The code lives in the package (so the installed CLI has it); suites and reports live in eval/.
"""
