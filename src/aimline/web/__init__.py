"""The site: organisations, people and roles, dashboards, watch lists, data loads, the API.

The only room that imports Django. Every view and API endpoint reads the warehouse through
`reader.Reader`, which takes the user's `scope.Scope`: what a user may see is decided in
`scope.py` and nowhere else.
"""
