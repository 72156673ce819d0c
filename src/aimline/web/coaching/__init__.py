"""The coaching log, one implementation for every practice that coaches someone (a
leadership programme's candidate, an induction candidate): entries hang off the practice's
own record by a generic relation, and who may read or write them is the practice's own
access table (`subjects.register`)."""
