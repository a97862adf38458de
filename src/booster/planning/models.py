"""The group's own agreements: goals, ground rules, practical agreements, the theme plan."""
