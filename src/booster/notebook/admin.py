"""Nothing of the notebook is registered in the admin site, on purpose: a member's private
writing (and what they shared or were given) is readable by its owner alone, never by an
operator. tests/notebook/test_privacy.py keeps it that way."""
