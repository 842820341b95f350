"""Domain changes of the contest, one module per area: atomic, audited, mail sent on commit."""
