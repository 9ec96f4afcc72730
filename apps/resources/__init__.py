"""Papers, books, projects and courses: the plan's and the learner's own, each with the learner's status."""
