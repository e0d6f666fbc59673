"""Identifying mentions inside what people said: detection, review, and their replacement.

- ``detect``: the detectors (the project's metadata, the evaluator's list, the ``deduce``
  library) and the spellings of a mentioned person;
- ``mentions``: stored mentions per transcript, one decision and one replacement per identifier
  (person, e-mail address, phone number, address, place), review tables;
- ``replace``: the identifiers as entries of the pseudonym mapping, which every pseudonymised
  output applies.
"""
