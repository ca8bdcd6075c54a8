"""Read one column of strings from a Parquet file, without pyarrow: just enough for the GloVe word list.

The GloVe package keeps its 400,000 words as a one-column Parquet file (written by pyarrow:
Snappy-compressed pages, a dictionary page, then dictionary-encoded or plain pages). Installing
pyarrow (about 40 MB) to read a 3.7 MB word list would double the course's download, so this
module reads that layout directly. It supports exactly what such a file uses and refuses
anything else with a ``ValueError`` that says what it found; the loader then checks the result
against the file's recorded sha256, so a reading mistake cannot pass silently.

Three small formats, each in its own function:

* **Thrift compact protocol** (page headers and the file footer): :func:`_thrift_struct`;
* **Snappy** block compression (each page's bytes): :func:`snappy_decompress`;
* **RLE / bit-packed hybrid** (dictionary indices and definition levels): :func:`_hybrid`.

    >>> snappy_decompress(bytes([5, 16]) + b"abcde")
    b'abcde'
    >>> snappy_decompress(bytes([8, 0]) + b"a" + bytes([13, 1]))   # literal "a", then copy 7 from 1 back
    b'aaaaaaaa'
"""

import struct

_CODECS = {0: "uncompressed", 1: "snappy"}
_DICTIONARY_PAGE, _DATA_PAGE, _DATA_PAGE_V2 = 2, 0, 3
_PLAIN, _PLAIN_DICTIONARY, _RLE_DICTIONARY = 0, 2, 8


def _varint(buf, pos):
    value = shift = 0
    while True:
        if pos >= len(buf):
            raise ValueError("truncated varint: the Parquet file is cut short.")
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7


def _zigzag(n):
    return (n >> 1) ^ -(n & 1)


def _thrift_value(buf, pos, kind):
    """One Thrift compact value of type ``kind`` at ``pos``: ``(value, next position)``."""
    if kind in (1, 2):  # booleans inside a struct carry their value in the type
        return kind == 1, pos
    if kind == 3:
        return buf[pos], pos + 1
    if kind in (4, 5, 6):
        n, pos = _varint(buf, pos)
        return _zigzag(n), pos
    if kind == 7:
        return struct.unpack_from("<d", buf, pos)[0], pos + 8
    if kind == 8:
        n, pos = _varint(buf, pos)
        return bytes(buf[pos : pos + n]), pos + n
    if kind in (9, 10):
        header = buf[pos]
        pos += 1
        size, element = header >> 4, header & 0x0F
        if size == 15:
            size, pos = _varint(buf, pos)
        items = []
        for _ in range(size):
            if element in (1, 2):  # booleans in a list are one byte each
                items.append(buf[pos] == 1)
                pos += 1
            else:
                item, pos = _thrift_value(buf, pos, element)
                items.append(item)
        return items, pos
    if kind == 12:
        return _thrift_struct(buf, pos)
    raise ValueError(f"unsupported Thrift type {kind} in the Parquet metadata.")


def _thrift_struct(buf, pos):
    """A Thrift compact struct at ``pos`` as ``({field id: value}, next position)``."""
    fields, last = {}, 0
    while True:
        header = buf[pos]
        pos += 1
        if header == 0:
            return fields, pos
        delta, kind = header >> 4, header & 0x0F
        if delta:
            field = last + delta
        else:
            n, pos = _varint(buf, pos)
            field = _zigzag(n)
        fields[field], pos = _thrift_value(buf, pos, kind)
        last = field


def snappy_decompress(data):
    """Decompress one raw Snappy block (the format Parquet pages use)."""
    data = memoryview(data)
    size, pos = _varint(data, 0)
    out = bytearray()
    while pos < len(data):
        tag = data[pos]
        pos += 1
        kind = tag & 3
        if kind == 0:  # literal: length - 1 in the tag, or in the next 1-4 bytes
            length = tag >> 2
            if length >= 60:
                extra = length - 59
                length = int.from_bytes(data[pos : pos + extra], "little")
                pos += extra
            length += 1
            out += data[pos : pos + length]
            pos += length
            continue
        if kind == 1:
            length, offset = 4 + ((tag >> 2) & 7), ((tag >> 5) << 8) | data[pos]
            pos += 1
        elif kind == 2:
            length, offset = (tag >> 2) + 1, int.from_bytes(data[pos : pos + 2], "little")
            pos += 2
        else:
            length, offset = (tag >> 2) + 1, int.from_bytes(data[pos : pos + 4], "little")
            pos += 4
        if not 0 < offset <= len(out):
            raise ValueError("corrupt Snappy data: a copy reaches before the start of the block.")
        start = len(out) - offset
        if offset >= length:
            out += out[start : start + length]
        else:  # an overlapping copy repeats the last `offset` bytes
            out += (out[start:] * (length // offset + 1))[:length]
    if len(out) != size:
        raise ValueError(f"corrupt Snappy data: {len(out)} bytes decoded, the header says {size}.")
    return bytes(out)


def _hybrid(buf, pos, end, bit_width, count):
    """``count`` integers in the RLE / bit-packed hybrid encoding between ``pos`` and ``end``."""
    values = []
    width_bytes = (bit_width + 7) // 8
    while len(values) < count and pos < end:
        header, pos = _varint(buf, pos)
        if header & 1:  # bit-packed: (header >> 1) groups of 8 values, least significant bits first
            groups = header >> 1
            packed = int.from_bytes(buf[pos : pos + groups * bit_width], "little")
            pos += groups * bit_width
            mask = (1 << bit_width) - 1
            values.extend((packed >> (i * bit_width)) & mask for i in range(groups * 8))
        else:  # run: (header >> 1) copies of one value
            value = int.from_bytes(buf[pos : pos + width_bytes], "little")
            pos += width_bytes
            values.extend([value] * (header >> 1))
    if len(values) < count:
        raise ValueError(f"the Parquet page holds {len(values)} encoded values, its header says {count}.")
    return values[:count]


def _plain_strings(buf, pos, count):
    values = []
    for _ in range(count):
        (n,) = struct.unpack_from("<I", buf, pos)
        values.append(bytes(buf[pos + 4 : pos + 4 + n]).decode("utf-8"))
        pos += 4 + n
    return values


def read_string_column(path):
    """The strings of a one-column, no-null Parquet file, in row order.

    ``ValueError`` (naming what it found) for anything outside that layout: another codec,
    more than one column, nulls, or a page encoding other than plain or dictionary; and for a
    damaged file (cut short, or bytes that do not decode).
    """
    with open(path, "rb") as f:
        buf = f.read()
    try:
        return _read(path, buf)
    except ValueError as error:
        if str(path) in str(error):
            raise
        problem = error
    except (IndexError, KeyError, TypeError, struct.error, UnicodeDecodeError) as error:
        problem = f"{type(error).__name__}: {error}"
    raise ValueError(
        f"{path} is damaged or not the word list the course expects ({problem}). Run `make data` to fetch it again."
    ) from None


def _read(path, buf):
    if len(buf) < 12 or buf[:4] != b"PAR1" or buf[-4:] != b"PAR1":
        raise ValueError(f"{path} is not a Parquet file (no PAR1 magic). Run `make data` to fetch it again.")
    (footer_size,) = struct.unpack_from("<i", buf, len(buf) - 8)
    footer, _ = _thrift_struct(buf, len(buf) - 8 - footer_size)
    schema, rows = footer[2], footer[3]
    if len(schema) != 2 or schema[1].get(1) != 6:  # the root, then one BYTE_ARRAY column
        raise ValueError(f"{path}: expected one column of strings, found schema {schema!r}.")
    max_definition = 1 if schema[1].get(3, 0) == 1 else 0  # OPTIONAL columns carry definition levels
    words, dictionary = [], []
    for group in footer[4]:
        for chunk in group[1]:
            meta = chunk[3]
            codec = meta[4]
            if codec not in _CODECS:
                raise ValueError(f"{path}: compression codec {codec} is not supported (only Snappy or none).")
            pos = meta.get(11, meta[9])  # dictionary page first, when there is one
            end = pos + meta[7]
            while pos < end:
                header, pos = _thrift_struct(buf, pos)
                body = buf[pos : pos + header[3]]
                pos += header[3]
                if header[1] == _DATA_PAGE_V2:
                    page = header[8]
                    levels = page[5] + page[6]
                    values = body[levels:]
                    if page.get(7, True) and codec == 1:
                        values = snappy_decompress(values)
                    if page[2]:
                        raise ValueError(f"{path}: the column has {page[2]} nulls; a word list has none.")
                    count, encoding, data, start = page[1], page[4], values, 0
                else:
                    data = snappy_decompress(body) if codec == 1 else bytes(body)
                    if header[1] == _DICTIONARY_PAGE:
                        dictionary = _plain_strings(data, 0, header[7][1])
                        continue
                    if header[1] != _DATA_PAGE:
                        raise ValueError(f"{path}: page type {header[1]} is not supported.")
                    count, encoding, start = header[5][1], header[5][2], 0
                    if max_definition:  # 4-byte length, then the levels: all must say "present"
                        (n,) = struct.unpack_from("<I", data, 0)
                        if set(_hybrid(data, 4, 4 + n, 1, count)) != {1}:
                            raise ValueError(f"{path}: the column has nulls; a word list has none.")
                        start = 4 + n
                if encoding == _PLAIN:
                    words += _plain_strings(data, start, count)
                elif encoding in (_PLAIN_DICTIONARY, _RLE_DICTIONARY):
                    width = data[start]
                    words += [dictionary[i] for i in _hybrid(data, start + 1, len(data), width, count)]
                else:
                    raise ValueError(f"{path}: page encoding {encoding} is not supported.")
    if len(words) != rows:
        raise ValueError(f"{path}: read {len(words)} values, the footer says {rows} rows.")
    return words
