"""Home, school and district views, charts, exports of suppressed aggregates."""
