"""A generic helper (3.12+) called after the variable it reads is bound: fine."""
# topic: free-unbound
# python: 3.12+


def report():
    def line[T](suffix: T) -> str:
        return f"{title}{suffix}"
    title = "report"
    return line("!")


def scenario_report():
    return report()
