"""The static wall's run-time twins: what only a running program shows, checked as the wall checks it.

The getattr family's computed attribute names, str.format's templates, and the field names of a
class given to dataclasses.dataclass are checked here when the program runs (engine/program/hooks.py,
modules.py), with the tables of engine/program/policy.py and the static wall's own messages.
"""

from __future__ import annotations

import abc
import dataclasses
import string
import typing

from engine.program import policy

INTERNALS = "names that begin and end with __ reach Python's internals"
# the metaclasses of classes a dataclass may be made from: none runs the program's code on a lookup
DATACLASS_METACLASSES = (type, abc.ABCMeta, type(typing.Protocol))
_FORMATTER = string.Formatter()


def check_attribute_name(name: object) -> str | None:
    """Why getattr, setattr, hasattr or delattr may not use this name, or None when it may."""
    if not isinstance(name, str):
        return None  # Python's own TypeError follows
    if type(name) is not str:  # a str subclass's __eq__ and __hash__ could make it match another name
        return "an attribute name must be a plain str"
    if name in policy.REFUSED_ATTRIBUTES:
        return f"the attribute {name} is not available: {policy.REFUSED_ATTRIBUTES[name]}"
    if is_dunder(name) and name not in policy.READABLE_ATTRIBUTES:
        return f"the attribute {name} is not available: {INTERNALS}"
    return None


def check_format_string(template: str) -> str | None:
    """Why str.format may not fill this template (a field walks into attributes or items), or None when it may."""
    if not isinstance(template, str):
        return None
    pending = [iter(_FORMATTER.parse(template))]  # depth first, as str.format fills nested format specs
    while pending:
        try:
            _, field, spec, _ = next(pending[-1])
        except StopIteration:
            pending.pop()
            continue
        except ValueError:  # malformed: CPython's str.format raises its own error when it gets here
            return None
        if field is not None and ("." in field or "[" in field):
            return (
                f"the format field {{{field}}} reads an attribute or an item inside the string, which the "
                "explorer cannot check; format the value itself, as in '{}'.format(x.data) or f'{x.data}'"
            )
        if spec:
            pending.append(iter(_FORMATTER.parse(spec)))
    return None


def check_dataclass(cls: object) -> str | None:
    """Why dataclasses.dataclass may not process this class (a field name the wall refuses), or None when it may.

    dataclass reads the attribute each field names and compares and returns what it finds, and a class
    made with type(name, bases, namespace) can name a field __getattribute__. So, before dataclass runs:
    every class involved has a metaclass that runs no code of the program's on a lookup, and the raw
    annotations and inherited fields dataclass will read are plain dicts of allowed names.
    """
    if not isinstance(cls, type) or type(cls) not in DATACLASS_METACLASSES:  # type(): __class__ can lie
        return "a dataclass is made from a class statement"
    if any(type(klass) not in DATACLASS_METACLASSES for klass in cls.__mro__):
        return "a dataclass and its bases must be ordinary classes, made by class statements"
    tables = [cls.__dict__.get("__annotations__", {})]  # noqa: RUF063 (exactly what dataclass reads)
    tables += [
        klass.__dict__["__dataclass_fields__"] for klass in cls.__mro__ if "__dataclass_fields__" in klass.__dict__
    ]
    if any(type(table) is not dict for table in tables):
        return "a dataclass's fields must be declared in its class statement"
    names: list[object] = [name for table in tables for name in table]
    for field in (value for table in tables[1:] for value in table.values()):
        if type(field) is not dataclasses.Field:
            return "a dataclass's fields must be declared in its class statement"
        names.append(field.name)
    return next(filter(None, map(check_attribute_name, names)), None)


def is_dunder(name: str) -> bool:
    """Whether a name begins and ends with __."""
    return name.startswith("__") and name.endswith("__")


def unavailable_name(module: str, name: str) -> str:
    """The message for `from module import name` of a name the module's table does not hold."""
    dotted = f"{module}.{name}"
    if dotted in policy.WITHHELD_NAMES:
        return f"{dotted} is not available: {policy.WITHHELD_NAMES[dotted]}"
    if name.startswith("_"):
        return f"{dotted} is not available: names that begin with _ are {module}'s internals"
    return f"{dotted} is not available; {module} offers " + ", ".join(sorted(policy.MODULES[module]))
