"""A closure passed to a method of another object (a scheduler) that runs it later."""
# topic: late-binding


class Scheduler:
    def __init__(self):
        self.pending = []

    def call_later(self, fn):
        self.pending.append(fn)

    def run(self):
        return [fn() for fn in self.pending]


def schedule_jobs(scheduler, jobs):
    for job in jobs:
        scheduler.call_later(lambda: "ran " + job)


def scenario_run_later():
    scheduler = Scheduler()
    schedule_jobs(scheduler, ["a", "b"])
    return scheduler.run()
