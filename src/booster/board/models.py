"""The group board: short messages and links between meetings."""
