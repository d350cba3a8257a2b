#!/usr/bin/env python3
"""Derives src/test/resources/golden/uncompressed-batch.hex from RECORD_FORMAT.md, independently of the Java codec.

Everything here is written from the specification: big-endian header fields, zig-zag varints and a bitwise
CRC-32C (Castagnoli, reflected polynomial 0x82F63B78). Run it from the proto module directory:

    python3 src/test/scripts/golden_uncompressed_batch.py > src/test/resources/golden/uncompressed-batch.hex

The output is reviewed by hand, field by field; the Java test only reads it.
"""
import struct


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283, "CRC-32C check value"


def zigzag(n: int, bits: int) -> int:
    return ((n << 1) ^ (n >> (bits - 1))) & ((1 << bits) - 1)


def uvarint(u: int) -> bytes:
    out = bytearray()
    while u >= 0x80:
        out.append((u & 0x7F) | 0x80)
        u >>= 7
    out.append(u)
    return bytes(out)


def varint(n: int) -> bytes:
    return uvarint(zigzag(n, 32))


def varlong(n: int) -> bytes:
    return uvarint(zigzag(n, 64))


BASE_TIMESTAMP = 1700000000000
RECORDS = [
    # (timestampDelta, offsetDelta, key, value, headers)
    (0, 0, b"k1", b"hello", []),
    (5, 1, None, b"world", [("h1", b"v1")]),
]


def describe(b):
    return "null" if b is None else '"' + b.decode() + '"'


def record_fields(ts_delta, off_delta, key, value, headers):
    """The fields of one record after its length prefix, each as (bytes, comment)."""
    fields = [
        (b"\x00", "attributes (int8) = 0, unused"),
        (varlong(ts_delta), f"timestampDelta (varlong) = {ts_delta}, zig-zag {zigzag(ts_delta, 64)}"),
        (varint(off_delta), f"offsetDelta (varint) = {off_delta}, zig-zag {zigzag(off_delta, 32)}"),
    ]
    for name, data in (("key", key), ("value", value)):
        n = -1 if data is None else len(data)
        fields.append((varint(n), f"{name}Length (varint) = {n}, zig-zag {zigzag(n, 32)}"))
        if data is not None:
            fields.append((data, f"{name} = {describe(data)}"))
    fields.append((varint(len(headers)), f"headerCount (varint) = {len(headers)}, zig-zag {zigzag(len(headers), 32)}"))
    for hkey, hvalue in headers:
        kb = hkey.encode("utf-8")
        fields.append((varint(len(kb)), f"headerKeyLength (varint) = {len(kb)}, zig-zag {zigzag(len(kb), 32)}"))
        fields.append((kb, f"headerKey = {describe(kb)}"))
        n = -1 if hvalue is None else len(hvalue)
        fields.append((varint(n), f"headerValueLength (varint) = {n}, zig-zag {zigzag(n, 32)}"))
        if hvalue is not None:
            fields.append((hvalue, f"headerValue = {describe(hvalue)}"))
    return fields


records = []  # list of (bytes, comment) including section markers (None bytes)
for i, rec in enumerate(RECORDS):
    fields = record_fields(*rec)
    body = sum(len(b) for b, _ in fields)
    records.append((None, f"--- record {i}: {body + len(varint(body))} bytes ---"))
    records.append((varint(body), f"length (varint) = {body}, zig-zag {zigzag(body, 32)}: bytes after this field"))
    records.extend(fields)
section = b"".join(b for b, _ in records if b is not None)

timestamps = [BASE_TIMESTAMP + r[0] for r in RECORDS]
after_crc = [
    (struct.pack(">h", 0), "attributes (int16) = 0: no compression, CreateTime, not transactional, not control"),
    (struct.pack(">i", len(RECORDS) - 1), f"lastOffsetDelta (int32) = {len(RECORDS) - 1}"),
    (struct.pack(">q", timestamps[0]), f"baseTimestamp (int64) = {timestamps[0]}: first record's timestamp"),
    (struct.pack(">q", max(timestamps)), f"maxTimestamp (int64) = {max(timestamps)}"),
    (struct.pack(">q", -1), "producerId (int64) = -1: no idempotent producer"),
    (struct.pack(">h", -1), "producerEpoch (int16) = -1"),
    (struct.pack(">i", -1), "baseSequence (int32) = -1"),
    (struct.pack(">i", len(RECORDS)), f"recordCount (int32) = {len(RECORDS)}"),
]
covered = b"".join(b for b, _ in after_crc) + section
crc = crc32c(covered)
total = 61 + len(section)
header = [
    (struct.pack(">q", 0), "baseOffset (int64) = 0: stamped by the leader, not covered by the CRC"),
    (struct.pack(">i", total - 12), f"batchLength (int32) = {total - 12}: bytes after this field; batch is {total} bytes"),
    (struct.pack(">i", -1), "partitionLeaderEpoch (int32) = -1: stamped by the leader, not covered by the CRC"),
    (struct.pack(">b", 2), "magic (int8) = 2"),
    (struct.pack(">I", crc), f"crc (uint32) = 0x{crc:08x}: CRC-32C of bytes 21..{total - 1}"),
]

print("# Golden record batch: Kafka RecordBatch v2 (magic 2), no compression, two records.")
print("# Derived from proto/RECORD_FORMAT.md by src/test/scripts/golden_uncompressed_batch.py, NOT by the Java codec.")
print("# Format: '#' starts a comment that runs to the end of the line; whitespace is ignored; the rest is hex.")
print("# Each data line is one field; the comment above it gives its offset in the batch and its decoded value.")
print("#")
print("# Input: baseOffset 0, partitionLeaderEpoch -1, producerId/epoch/baseSequence -1, CreateTime,")
print(f"#   record 0: timestamp {timestamps[0]}, key \"k1\", value \"hello\", no headers")
print(f"#   record 1: timestamp {timestamps[1]}, key null, value \"world\", header \"h1\" = \"v1\"")
pos = 0


def emit(items):
    global pos
    for data, comment in items:
        if data is None:
            print(f"# {comment}")
            continue
        print(f"# @{pos} {comment}")
        print(" ".join(f"{b:02x}" for b in data))
        pos += len(data)


print("# --- batch header: 61 bytes ---")
emit(header)
emit(after_crc)
print(f"# --- records section: {len(section)} bytes, offsets 61..{total - 1} ---")
emit(records)
print(f"# end: {pos} bytes")
assert pos == total
