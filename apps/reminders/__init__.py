"""E-mail reminders at each learner's study slots, exactly once, and the calendar feed."""
