"""Contest models: arrive with the contest-submission issue."""
