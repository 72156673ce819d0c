"""The district's role: which schools need support and why (more to come: support plans,
mentor-school pairing, staffing for equity)."""
