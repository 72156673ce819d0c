"""A measured target: a catalog metric for a population and group, a baseline frozen from
the warehouse with its evidence, a target value and date, and its evaluation from the
data. Network aims use it; leadership certificates, support plans and micro-credentials
will too."""
