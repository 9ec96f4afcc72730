"""The study plan: phases, week blocks, topics, resources, milestones, daily rhythm. Knows no learner."""
