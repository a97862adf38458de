"""Group pages: my groups, creating and looking after a group, invitations and joining,
members, leaving and concerns. One module per area; URL names live in groups/urls.py."""
