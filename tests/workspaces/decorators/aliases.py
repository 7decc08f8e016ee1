import pkg.deco_impl as impl
import pkg


@impl.timed(repeat=3)
def via_alias():
    return 3


@pkg.timed('re-export')
def via_package():
    return 4
