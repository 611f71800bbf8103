/**
 * A minimal reader (and writer, for the small OTLP responses) of the protobuf wire format:
 * varints, fixed32/fixed64, length-delimited fields. Enough to decode the OTLP trace and logs
 * messages without generated code. Bounds are checked on every read; a truncated or invalid
 * buffer throws `ProtobufError`, which the OTLP decoders turn into a 400.
 */

export class ProtobufError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufError';
  }
}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH = 2;
export const WIRE_START_GROUP = 3;
export const WIRE_END_GROUP = 4;
export const WIRE_FIXED32 = 5;

const TWO_32 = 4294967296;
const utf8 = new TextDecoder('utf-8', { fatal: false });

/** A cursor over one message (or sub-message) of a buffer. */
export class ProtobufReader {
  private pos: number;
  private readonly end: number;

  constructor(private readonly buf: Uint8Array, start = 0, end = buf.length) {
    this.pos = start;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** Reads the next field's tag: `[fieldNumber, wireType]`. */
  tag(): [number, number] {
    const key = this.varint();
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (field === 0) throw new ProtobufError(`field number 0 at byte ${this.pos}`);
    return [field, wire];
  }

  /** An unsigned varint up to 2^53 (larger values lose precision, as int64 counters may). */
  varint(): number {
    let result = 0;
    let shift = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtobufError('truncated varint');
      const byte = this.buf[this.pos++] as number;
      result += (byte & 0x7f) * shift;
      if (byte < 0x80) return result;
      shift *= 128;
    }
    throw new ProtobufError('varint longer than 10 bytes');
  }

  /** A varint read as a signed 64-bit integer (two's complement), as `int64`/`int32` fields are. */
  int64(): number {
    const start = this.pos;
    const unsigned = this.varint();
    if (unsigned < 2 ** 63) return unsigned;
    // Negative: redo the read exactly with BigInt (rare: negative int attributes).
    this.pos = start;
    let big = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const byte = this.buf[this.pos++] as number;
      big |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) break;
      shift += 7n;
    }
    return Number(BigInt.asIntN(64, big));
  }

  bool(): boolean {
    return this.varint() !== 0;
  }

  fixed32(): number {
    if (this.pos + 4 > this.end) throw new ProtobufError('truncated fixed32');
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return ((b[p] as number) | ((b[p + 1] as number) << 8) | ((b[p + 2] as number) << 16)) + (b[p + 3] as number) * 0x1000000;
  }

  /** An unsigned fixed64 as a number (nanosecond times keep ~256 ns precision, plenty here). */
  fixed64(): number {
    const low = this.fixed32();
    const high = this.fixed32();
    return high * TWO_32 + low;
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new ProtobufError('truncated double');
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 8);
    this.pos += 8;
    return view.getFloat64(0, true);
  }

  /** The bounds of a length-delimited field's payload; the cursor moves past it. */
  lengthDelimited(): [number, number] {
    const length = this.varint();
    const start = this.pos;
    if (length > this.end - start) throw new ProtobufError(`length ${length} runs past the end of the message`);
    this.pos = start + length;
    return [start, start + length];
  }

  bytes(): Uint8Array {
    const [start, end] = this.lengthDelimited();
    return this.buf.subarray(start, end);
  }

  string(): string {
    const [start, end] = this.lengthDelimited();
    return utf8.decode(this.buf.subarray(start, end));
  }

  /** A reader over an embedded message. */
  message(): ProtobufReader {
    const [start, end] = this.lengthDelimited();
    return new ProtobufReader(this.buf, start, end);
  }

  /** Skips a field of the given wire type (unknown fields are legal and ignored). */
  skip(wire: number, depth = 0): void {
    switch (wire) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        if (this.pos + 8 > this.end) throw new ProtobufError('truncated fixed64');
        this.pos += 8;
        return;
      case WIRE_LENGTH:
        this.lengthDelimited();
        return;
      case WIRE_FIXED32:
        if (this.pos + 4 > this.end) throw new ProtobufError('truncated fixed32');
        this.pos += 4;
        return;
      case WIRE_START_GROUP: {
        if (depth > 32) throw new ProtobufError('groups nested too deeply');
        for (;;) {
          const [, inner] = this.tag();
          if (inner === WIRE_END_GROUP) return;
          this.skip(inner, depth + 1);
        }
      }
      default:
        throw new ProtobufError(`invalid wire type ${wire}`);
    }
  }

  /** Checks the wire type a field must have; a mismatch means the bytes are not this message. */
  expect(field: number, wire: number, expected: number): void {
    if (wire !== expected) throw new ProtobufError(`field ${field} has wire type ${wire}, expected ${expected}`);
  }
}

/** Lowercase hex of bytes (trace and span ids). */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += (byte < 16 ? '0' : '') + byte.toString(16);
  return out;
}

/** A small protobuf writer for the response messages (Status, Export*PartialSuccess). */
export class ProtobufWriter {
  private readonly parts: number[] = [];

  private varint(value: number): void {
    let v = Math.floor(value);
    while (v >= 0x80) {
      this.parts.push((v % 128) | 0x80);
      v = Math.floor(v / 128);
    }
    this.parts.push(v);
  }

  uint(field: number, value: number): this {
    if (value === 0) return this;
    this.varint(field * 8 + WIRE_VARINT);
    this.varint(value);
    return this;
  }

  string(field: number, value: string): this {
    if (value === '') return this;
    return this.bytesField(field, new TextEncoder().encode(value));
  }

  bytesField(field: number, value: Uint8Array): this {
    this.varint(field * 8 + WIRE_LENGTH);
    this.varint(value.length);
    for (const byte of value) this.parts.push(byte);
    return this;
  }

  message(field: number, inner: ProtobufWriter): this {
    return this.bytesField(field, inner.finish());
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}
