import xml.dom.minidom
import xml.etree.ElementTree as ET


def f():
    import email.mime.text
    import json.decoder as dec
    from collections import abc as cabc, OrderedDict

    def g():
        return email, dec, cabc, OrderedDict, xml, ET

    return g
