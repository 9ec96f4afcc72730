"""Milestones per learner, outputs (blog posts, repositories, talks) and the shareable portfolio."""
