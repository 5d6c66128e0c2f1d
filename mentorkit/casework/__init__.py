"""The coordinator's rules, for the form, the importer and the API alike.

- :mod:`.caseload`: when each active match needs the coordinator next (follow-up plans);
- :mod:`.screening`: background checks of mentors (børneattest, VOG) and when they run out;
- :mod:`.duplicates`: likely duplicates of a person being registered.

Everything here takes and returns DataFrames and never opens the database.
"""
