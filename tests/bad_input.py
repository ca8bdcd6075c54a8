"""The one assertion of the bad-input tables: a ValueError that names the argument and says what was wrong."""

import pytest


def assert_refused(call, name, what):
    """``call()`` raises ``ValueError`` whose message starts with the argument's ``name`` and contains ``what``."""
    with pytest.raises(ValueError) as error:
        call()
    message = str(error.value)
    assert message.startswith(name), f"the message should start with {name!r}: {message}"
    assert what in message, f"the message should say {what!r}: {message}"
