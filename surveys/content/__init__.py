"""What is surveyed: the plan and its targets, instruments, answers, the Thai calendar."""
