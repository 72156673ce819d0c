"""Teachers' growth: micro-credentials, the career ladder, action research."""
