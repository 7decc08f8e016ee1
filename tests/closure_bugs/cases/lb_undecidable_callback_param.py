"""A closure passed to a callee that is a parameter: the caller decides when it runs."""
# topic: late-binding
# undecidable: the callee `schedule` is a parameter; whether the closures outlive their
#   iteration depends on what each caller passes (here: a function that calls at once).


def schedule_all(schedule, jobs):
    for job in jobs:
        schedule(lambda: "ran " + job)


def scenario_run_at_once():
    done = []
    schedule_all(lambda fn: done.append(fn()), ["a", "b"])
    return done
