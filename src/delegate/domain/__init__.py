"""Pure types and rules of delegate. Imports nothing outside the standard library."""
