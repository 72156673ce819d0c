"""Leadership programmes: cohorts, courses, executive coaching, principal networks, and
certificates earned only by attaining an approved, measured target in the district's data.
"""
