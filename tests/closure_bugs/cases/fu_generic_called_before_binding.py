"""A generic helper (3.12+) called before the variable it reads is bound: NameError."""
# topic: free-unbound
# python: 3.12+


def report():
    def line[T](suffix: T) -> str:
        return f"{title}{suffix}"
    first = line("!")
    title = "report"
    return first


def scenario_report():
    return report()
