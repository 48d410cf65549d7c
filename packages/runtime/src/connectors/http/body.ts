// Request bodies: bounded reading and parsing by Content-Type; query strings into objects.
import type { IncomingMessage } from "node:http";
import { TextDecoder } from "node:util";

/** Why a request body could not be taken: answered with `status`, counted as `kind`. */
export class BodyError extends Error {
  readonly status: number;
  readonly kind: string;
  constructor(status: number, kind: string, message: string) {
    super(message);
    this.name = "BodyError";
    this.status = status;
    this.kind = kind;
  }
}

const tooLarge = (max: number) =>
  new BodyError(413, "body-too-large", `request body is larger than maxBodyBytes (${max} bytes)`);

/** True when the request announces no body (no Content-Length or a zero one, and no chunking). */
export function hasNoBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return (length === undefined || length === "0") && req.headers["transfer-encoding"] === undefined;
}

/** Rejects up front a body whose Content-Length is over the limit, without reading it. */
export function checkDeclaredLength(req: IncomingMessage, max: number): BodyError | undefined {
  const length = req.headers["content-length"];
  // Node has already refused a malformed Content-Length with 400, so this is a number.
  return length !== undefined && Number(length) > max ? tooLarge(max) : undefined;
}

/** A body in several chunks is copied into buffers of this size as it arrives (see RawBody). */
const SEGMENT = 1024 * 1024;

/**
 * A request body as read, for parseBody: one chunk as the socket gave it, or segments of SEGMENT
 * bytes (the last one shorter) that it owns. Owned segments are freed as soon as they are parsed,
 * not whenever a major GC comes to them: a 50 MiB body is gone when the flow starts.
 */
export class RawBody {
  readonly byteLength: number;
  private segments: Buffer[];
  /** True when each segment is an ownBuffer (never a socket's chunk, nor a slice of a shared pool). */
  private readonly owned: boolean;
  private released = 0;

  constructor(segments: Buffer[], owned: boolean) {
    this.segments = segments;
    this.owned = owned;
    this.byteLength = segments.reduce((n, s) => n + s.length, 0);
  }

  /** The segments (all but the last of one size); those released are empty. */
  get parts(): readonly Buffer[] {
    return this.segments;
  }

  /** Frees the segments before index `n` (only those the body owns; the others are dropped). */
  releaseBefore(n: number): void {
    for (; this.released < Math.min(n, this.segments.length); this.released++) {
      const { buffer } = this.segments[this.released] as Buffer;
      // Detaching frees the memory now; the GC would only find it at its next full collection.
      if (this.owned && buffer instanceof ArrayBuffer) buffer.transferToFixedLength(0);
      this.segments[this.released] = EMPTY;
    }
  }

  release(): void {
    this.releaseBefore(this.segments.length);
  }
}

const EMPTY = Buffer.alloc(0);

/**
 * A buffer of its own (its own ArrayBuffer, which detaching frees at once). A `mapped` one is a
 * resizable ArrayBuffer: pages mapped for it alone, unmapped when detached. The others come from
 * malloc, whose freed blocks stay resident once malloc has raised its mmap threshold (as a
 * long-running process soon has) but are reused warm: cheaper for the first megabyte of a body,
 * which is all of most bodies; fresh pages cost a fault each.
 */
function ownBuffer(size: number, mapped: boolean): Buffer {
  return mapped ? Buffer.from(new ArrayBuffer(size, { maxByteLength: size })) : Buffer.allocUnsafeSlow(size);
}

/**
 * Reads the whole body, counting bytes as they arrive: past `max` it stops reading (the stream is
 * paused, nothing more is buffered) and rejects with 413. A client that goes away rejects with
 * kind "aborted" (nobody is left to answer). A body in one chunk is kept as is; a longer one is
 * copied into segments as it arrives, each chunk garbage once copied (no list of chunks, then a
 * concatenated copy of them all).
 */
export function readBody(req: IncomingMessage, max: number): Promise<RawBody> {
  return new Promise((resolve, reject) => {
    // checkDeclaredLength has refused a declared length over max; 0 = chunked, size unknown.
    const declared = Number(req.headers["content-length"] ?? 0);
    let first: Buffer | undefined;
    const segments: Buffer[] = [];
    let stored = 0;
    /** Bytes written to the last segment. */
    let filled = 0;
    const append = (chunk: Buffer) => {
      for (let from = 0; from < chunk.length; ) {
        let segment = segments[segments.length - 1];
        if (segment === undefined || filled === segment.length) {
          // No larger than what is left to come, when that is known.
          const left = declared - stored;
          segment = ownBuffer(left > 0 && left < SEGMENT ? left : SEGMENT, segments.length > 0);
          segments.push(segment);
          filled = 0;
        }
        const copied = chunk.copy(segment, filled, from);
        filled += copied;
        from += copied;
        stored += copied;
      }
    };
    let size = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onAbort);
      req.off("close", onAbort);
    };
    /** A refused body's bytes are freed now: up to maxBodyBytes of them. */
    const discard = () => {
      new RawBody(segments, true).release();
      first = undefined;
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        cleanup();
        discard();
        req.pause();
        reject(tooLarge(max));
        return;
      }
      if (size === chunk.length) {
        first = chunk; // most bodies are one chunk: nothing to copy
        return;
      }
      if (first !== undefined) append(first);
      first = undefined;
      append(chunk);
    };
    const onEnd = () => {
      cleanup();
      if (segments.length === 0) {
        resolve(new RawBody(first === undefined ? [] : [first], false));
        return;
      }
      const last = segments.length - 1;
      if (filled < (segments[last] as Buffer).length)
        segments[last] = (segments[last] as Buffer).subarray(0, filled);
      // Only more bytes than announced (which Node's parser does not deliver) leave a short
      // segment before the last: the parser wants them all of one size.
      if (segments.every((s, i) => i === last || s.length === SEGMENT)) resolve(new RawBody(segments, true));
      else {
        const whole = ownBuffer(stored, stored > SEGMENT);
        let at = 0;
        for (const s of segments) at += s.copy(whole, at);
        resolve(new RawBody([whole], true));
      }
    };
    const onAbort = () => {
      cleanup();
      discard();
      reject(new BodyError(400, "aborted", "the client closed the connection while sending the body"));
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onAbort);
    req.on("close", onAbort);
  });
}

/** Sets a key on a plain object, including "__proto__" (which `o[k] = v` would not store). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__")
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** `a=1&b=x&a=2` → {a: "2", b: "x"}: every value a string, a repeated key keeps its last value. */
export function parseQuery(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (text === "") return out;
  for (const [key, value] of new URLSearchParams(text)) setOwn(out, key, value);
  return out;
}

function decodeText(buf: Buffer, charset: string | undefined): string {
  if (charset === undefined || charset === "utf-8" || charset === "utf8") return buf.toString("utf8");
  try {
    return new TextDecoder(charset).decode(buf);
  } catch {
    return buf.toString("utf8"); // an unknown charset label: read it as UTF-8 rather than refuse it
  }
}

/** The body's bytes in one buffer, to be read once: several segments are copied, then released. */
function joined(body: RawBody): Buffer {
  const parts = body.parts;
  if (parts.length === 1) return parts[0] as Buffer;
  const whole = Buffer.concat(parts as Buffer[], body.byteLength);
  body.release();
  return whole;
}

/**
 * The message body for a request body, by Content-Type: JSON (application/json, *\/*+json) → the
 * value; application/x-www-form-urlencoded → an object of strings; text/* and anything else → the
 * text (in the declared charset, else UTF-8); an empty body → null. Malformed JSON → 400.
 * A RawBody is released: its bytes cannot be read again.
 */
export function parseBody(body: RawBody | Buffer, contentType: string | undefined): unknown {
  const raw = body instanceof RawBody ? body : new RawBody([body], false);
  try {
    return parseRaw(raw, contentType);
  } finally {
    raw.release();
  }
}

function parseRaw(body: RawBody, contentType: string | undefined): unknown {
  if (body.byteLength === 0) return null;
  const semicolon = contentType?.indexOf(";") ?? -1;
  const media = (semicolon < 0 ? (contentType ?? "") : (contentType ?? "").slice(0, semicolon))
    .trim()
    .toLowerCase();
  if (media === "application/json" || media.endsWith("+json")) {
    try {
      return parseJson(body);
    } catch (e) {
      throw new BodyError(
        400,
        "bad-request",
        `request body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
  if (media === "application/x-www-form-urlencoded") return parseQuery(joined(body).toString("utf8"));
  const charset =
    semicolon < 0 ? undefined : /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? "")?.[1]?.toLowerCase();
  return decodeText(joined(body), charset);
}

// JSON from bytes. JSON.parse wants one string: for a large body that is a copy as large as the
// body, alive through the parse with the bytes and every parsed object, and held after it until
// the next full GC (which a flow's work seldom triggers). A body over SPLIT_ABOVE is parsed in
// pieces instead: one scan plans it (which containers are large, which runs of small members
// fit a piece), then each piece is decoded and given to JSON.parse in byte order, the results
// assembled as JSON.parse builds them, and segments released as soon as they are behind.

/** Bodies up to this size are parsed whole. */
const SPLIT_ABOVE = SEGMENT;
/** The most bytes decoded and parsed at once (larger scalars, rare, are parsed whole). */
const PIECE = 64 * 1024;
/** Containers nested deeper than this are parsed whole (it bounds the recursion of build). */
const MAX_SPLIT_DEPTH = 32;
const CONCAT_GROUP = 8192;

/** JSON.parse of the body's UTF-8 text: the same value, or a SyntaxError. */
export function parseJson(body: RawBody, piece = PIECE, splitAbove = SPLIT_ABOVE): unknown {
  if (body.byteLength > splitAbove) {
    const parser = new PieceParser(body, piece);
    const plan = parser.plan();
    if (plan !== undefined) return parser.build(plan);
    // No plan: malformed (the whole text gets JSON.parse's own message), or a small or scalar value.
  }
  return JSON.parse(joined(body).toString("utf8"));
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/** What a byte outside strings is to the planner: everything but these is OTHER. */
const OTHER = 0;
const SPACE = 1;
const STRING = 2;
const OPEN = 3;
const CLOSE = 4;
const SEPARATOR = 5;
const KEY_END = 6;
const KIND = new Uint8Array(256);
for (const b of [0x20, 0x0a, 0x0d, 0x09]) KIND[b] = SPACE;
KIND[QUOTE] = STRING;
KIND[OPEN_ARRAY] = OPEN;
KIND[OPEN_OBJECT] = OPEN;
KIND[CLOSE_ARRAY] = CLOSE;
KIND[CLOSE_OBJECT] = CLOSE;
KIND[COMMA] = SEPARATOR;
KIND[COLON] = KEY_END;

/** A large container: its members in byte order, runs of small ones together. */
interface Plan {
  array: boolean;
  items: Item[];
}

/**
 * A run of small members, bytes [start, end) with the commas between them; or one large member
 * (object members: key at [keyStart, keyEnd)) whose value is [start, end), planned when it is a
 * large container, else parsed whole.
 */
interface Item {
  run: boolean;
  start: number;
  end: number;
  keyStart: number;
  keyEnd: number;
  plan: Plan | undefined;
}

/** The planner's state for one open container (one per depth, reused: millions open and close). */
interface Frame {
  array: boolean;
  start: number;
  items: Item[] | undefined;
  members: number;
  /** Extent of the current member's non-whitespace bytes; -1 before its first. */
  first: number;
  last: number;
  /** Objects: the current member's key and colon; -1 before them. */
  keyStart: number;
  keyEnd: number;
  colon: number;
  /** A large container that closed in the current member (it must be the member's value). */
  child: Item | undefined;
  /** The pending run of small members; runStart is -1 when there is none. */
  runStart: number;
  runEnd: number;
}

/** Thrown where the planner finds that the bytes are not JSON. */
class NotJson extends Error {}

const notJson = (): never => {
  throw new NotJson();
};

/**
 * Pieces are cut only at ASCII delimiters outside strings, so UTF-8 decodes per piece exactly as
 * it does whole. The planner checks the structure between pieces, JSON.parse each piece.
 */
class PieceParser {
  private readonly body: RawBody;
  private readonly piece: number;
  /** The size of every segment but the last. */
  private readonly segment: number;
  private readonly frames: Frame[] = [];

  constructor(body: RawBody, piece: number) {
    this.body = body;
    this.piece = piece;
    this.segment = (body.parts[0] as Buffer).length;
  }

  /**
   * One scan of every byte: the plan of the top-level value when it is a large container;
   * undefined when the bytes are not JSON, or the value is small or a scalar (parsed whole).
   */
  plan(): Plan | undefined {
    try {
      return this.scan();
    } catch (e) {
      if (e instanceof NotJson) return undefined;
      throw e;
    }
  }

  private scan(): Plan | undefined {
    const frames = this.frames;
    // Depth 0 is the document: like an array of exactly one member, without brackets.
    const doc = this.open(0, true, -1);
    let frame: Frame | undefined = doc;
    let depth = 0;
    let inString = false;
    let escaped = false;
    let base = 0;
    for (const segment of this.body.parts) {
      const n = segment.length;
      // A backslash ended the last segment: the byte it escapes is this one's first.
      let i = escaped ? 1 : 0;
      escaped = false;
      for (; i < n; i++) {
        let b = segment[i] as number;
        if (inString) {
          while (b !== QUOTE && b !== BACKSLASH && ++i < n) b = segment[i] as number;
          if (i >= n) break; // the string goes on in the next segment
          if (b === BACKSLASH) {
            if (++i >= n) escaped = true; // the loop steps over the escaped byte
            continue;
          }
          inString = false;
          if (frame !== undefined) {
            frame.last = base + i + 1;
            if (frame.keyStart >= 0 && frame.keyEnd < 0) frame.keyEnd = frame.last;
          }
          continue;
        }
        const kind = KIND[b] as number;
        if (kind === SPACE) continue;
        const at = base + i;
        if (kind === OTHER) {
          // A number or literal: on to its last byte (JSON.parse checks what it is).
          while (i + 1 < n && KIND[segment[i + 1] as number] === OTHER) i++;
          if (frame !== undefined) {
            if (frame.first < 0) frame.first = at;
            frame.last = base + i + 1;
          }
        } else if (kind === STRING) {
          inString = true;
          // In an object, a member's first token is its key.
          if (frame !== undefined && !frame.array && frame.first < 0) frame.keyStart = at;
          if (frame !== undefined) mark(frame, at);
        } else if (kind === OPEN) {
          // A container is a member's value: first in an array member, right after the colon in an object's.
          if (
            frame !== undefined &&
            (frame.array ? frame.first >= 0 : frame.colon < 0 || frame.last > frame.colon)
          )
            return undefined;
          // Most containers are small: skimmed to their end, their bytes part of a run.
          const end = skim(segment, i, Math.min(n, i + this.piece));
          if (end >= 0) {
            if (frame !== undefined) {
              if (frame.first < 0) frame.first = at;
              frame.last = base + end + 1;
            }
            i = end;
            continue;
          }
          if (frame !== undefined) mark(frame, at);
          depth++;
          frame = depth <= MAX_SPLIT_DEPTH ? this.open(depth, b === OPEN_ARRAY, at) : undefined;
        } else if (kind === CLOSE) {
          if (depth === 0 || (frame !== undefined && (b === CLOSE_ARRAY) !== frame.array)) return undefined;
          if (frame !== undefined) this.close(frame, at, frames[depth - 1] as Frame);
          depth--;
          frame = depth <= MAX_SPLIT_DEPTH ? frames[depth] : undefined;
          if (frame !== undefined) mark(frame, at);
        } else if (kind === SEPARATOR) {
          if (depth === 0) return undefined;
          if (frame !== undefined) this.endMember(frame);
        } else if (frame !== undefined) {
          // A colon: only after the key, once.
          if (frame.array || frame.keyEnd < 0 || frame.colon >= 0 || frame.last !== frame.keyEnd)
            return undefined;
          frame.colon = at;
        }
      }
      base += n;
    }
    if (inString || depth !== 0 || doc.first < 0) return undefined;
    this.endMember(doc);
    const top = doc.items?.[0];
    return top?.plan;
  }

  private open(depth: number, array: boolean, at: number): Frame {
    const frame = this.frames[depth];
    if (frame === undefined) {
      const created: Frame = {
        array,
        start: at,
        items: undefined,
        members: 0,
        first: -1,
        last: -1,
        keyStart: -1,
        keyEnd: -1,
        colon: -1,
        child: undefined,
        runStart: -1,
        runEnd: -1,
      };
      this.frames[depth] = created;
      return created;
    }
    frame.array = array;
    frame.start = at;
    frame.items = undefined;
    frame.members = 0;
    frame.runStart = -1;
    resetMember(frame);
    return frame;
  }

  /** `frame`'s container closes at `at`: a large one is the value of `parent`'s current member. */
  private close(frame: Frame, at: number, parent: Frame): void {
    if (frame.first >= 0) this.endMember(frame);
    else if (frame.members > 0) notJson(); // a trailing comma
    // A small container is part of a run of its parent's: its frame planned nothing.
    if (at + 1 - frame.start <= this.piece) return;
    flush(frame);
    parent.child = {
      run: false,
      start: frame.start,
      end: at + 1,
      keyStart: -1,
      keyEnd: -1,
      plan: { array: frame.array, items: frame.items ?? [] },
    };
    frame.items = undefined;
  }

  /** The current member of `frame` has ended (at a comma or the closing bracket). */
  private endMember(frame: Frame): void {
    const { first, last, child } = frame;
    if (first < 0) notJson(); // [1,,2], [,1], {,}
    if (!frame.array && frame.colon < 0) notJson(); // {"a"}
    if (child !== undefined && child.end !== last) notJson(); // bytes after a large value
    frame.members++;
    if (child !== undefined || last - first > this.piece) {
      flush(frame);
      const item: Item = child ?? {
        run: false,
        start: frame.array ? first : frame.colon + 1,
        end: last,
        keyStart: -1,
        keyEnd: -1,
        plan: undefined,
      };
      if (!frame.array) {
        item.keyStart = frame.keyStart;
        item.keyEnd = frame.keyEnd;
      }
      addItem(frame, item);
    } else {
      if (frame.runStart >= 0 && last - frame.runStart > this.piece) flush(frame);
      if (frame.runStart < 0) frame.runStart = first;
      frame.runEnd = last;
    }
    resetMember(frame);
  }

  /** The value as JSON.parse builds it; segments are released as the pieces pass them. */
  build(plan: Plan): unknown {
    if (plan.array) {
      const parts: unknown[][] = [];
      for (const item of plan.items) {
        parts.push(item.run ? (this.parse(item.start, item.end, "[", "]") as unknown[]) : [this.value(item)]);
        this.done(item.end);
      }
      if (parts.length === 1) return parts[0];
      // Few allocations of the final size (pushing would copy the growing array as it went); in
      // groups, as a call takes a bounded number of arguments.
      let out: unknown[] = [];
      for (let i = 0; i < parts.length; i += CONCAT_GROUP)
        out = out.concat(...parts.slice(i, i + CONCAT_GROUP));
      return out;
    }
    const out: Record<string, unknown> = {};
    for (const item of plan.items) {
      if (item.run) {
        const part = this.parse(item.start, item.end, "{", "}") as Record<string, unknown>;
        // In order, a repeated key keeping its first place and last value: as JSON.parse does.
        for (const key of Object.keys(part)) setOwn(out, key, part[key]);
      } else {
        setOwn(out, this.parse(item.keyStart, item.keyEnd) as string, this.value(item));
      }
      this.done(item.end);
    }
    return out;
  }

  private value(item: Item): unknown {
    return item.plan ? this.build(item.plan) : this.parse(item.start, item.end);
  }

  /** Everything before byte `end` has been parsed: its segments can go. */
  private done(end: number): void {
    this.body.releaseBefore(Math.floor(end / this.segment));
  }

  private parse(start: number, end: number, open = "", close = ""): unknown {
    const text = this.text(start, end);
    try {
      return JSON.parse(open === "" ? text : open + text + close);
    } catch (e) {
      // The bytes before this piece may be freed already: the message says where the piece is.
      throw new SyntaxError(`${e instanceof Error ? e.message : String(e)} (in bytes ${start} to ${end})`);
    }
  }

  /** Bytes [start, end) as text, decoded across segments when they straddle several. */
  private text(start: number, end: number): string {
    const size = this.segment;
    const parts = this.body.parts;
    const first = Math.floor(start / size);
    const last = Math.floor((end - 1) / size);
    if (first === last)
      return (parts[first] as Buffer).toString("utf8", start - first * size, end - first * size);
    const slices: Buffer[] = [];
    for (let i = first; i <= last; i++) {
      const part = parts[i] as Buffer;
      slices.push(
        part.subarray(i === first ? start - first * size : 0, i === last ? end - last * size : size),
      );
    }
    return Buffer.concat(slices).toString("utf8");
  }
}

/**
 * The index of the bracket closing the container opened at `start`, when it is before `limit`;
 * else -1. What is inside is not checked: JSON.parse reads it with the run it belongs to.
 */
function skim(bytes: Buffer, start: number, limit: number): number {
  let depth = 0;
  for (let i = start; i < limit; i++) {
    const kind = KIND[bytes[i] as number];
    if (kind === STRING) {
      for (i++; i < limit; i++) {
        const b = bytes[i] as number;
        if (b === BACKSLASH) i++;
        else if (b === QUOTE) break;
      }
    } else if (kind === OPEN) depth++;
    else if (kind === CLOSE && --depth === 0) return i;
  }
  return -1;
}

/** A non-whitespace byte at `at` belongs to `frame`'s current member. */
function mark(frame: Frame, at: number): void {
  if (frame.first < 0) frame.first = at;
  frame.last = at + 1;
}

function resetMember(frame: Frame): void {
  frame.first = -1;
  frame.last = -1;
  frame.keyStart = -1;
  frame.keyEnd = -1;
  frame.colon = -1;
  frame.child = undefined;
}

function addItem(frame: Frame, item: Item): void {
  if (frame.items === undefined) frame.items = [item];
  else frame.items.push(item);
}

/** Ends the pending run of small members. */
function flush(frame: Frame): void {
  if (frame.runStart < 0) return;
  addItem(frame, {
    run: true,
    start: frame.runStart,
    end: frame.runEnd,
    keyStart: -1,
    keyEnd: -1,
    plan: undefined,
  });
  frame.runStart = -1;
}
