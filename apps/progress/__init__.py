"""A learner's progress through the plan: enrollment, schedule, check-ins, topic progress."""
