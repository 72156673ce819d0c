"""The metric catalog: each indicator defined once (Ibis), run on DuckDB or Spark,
disaggregated by student group and suppressed before it leaves. No Django, no settings."""
