"""The coordinator's rules, for the form, the importer and the API alike.

- :mod:`.rules`: the intake rules a person's record keeps (no date in the future, consent
  to casework for a new person, fields of other roles cleared), applied by the intake form,
  the importer and ``store.people.add``;
- :mod:`.match_rules`: one open (proposed or active) match per mentee and no more per
  mentor than their capacity, held by the store inside every write of matches;
- :mod:`.caseload`: when each active match needs the coordinator next (follow-up plans);
- :mod:`.screening`: background checks of mentors (børneattest, VOG) and when they run out;
- :mod:`.duplicates`: likely duplicates of a person being registered.

Everything here takes and returns DataFrames and never opens the database.
"""
