import BTree from 'sorted-btree';
import { compareKeys } from '../domain/key-order';
import type { UserRecord } from './user-repository';

/**
 * The in-memory store's index for name search, as pg_trgm's GIN index is the
 * SQL stores': for every gram (1, 2 and 3 code points) of a record's folded
 * first or last name, the records holding it, in email key order. A search
 * walks the records of its query's rarest gram from the page position and
 * checks each for the real match, so a page costs about the candidates of that
 * gram, not the store. Grams are hashed into a bounded key space (KEY_BITS);
 * grams that share a key share their records, and the check discards the extra ones.
 */
export class NameGramIndex {
  private readonly postings = new Map<number, Posting>();

  add(record: UserRecord): void {
    const keys = new Set<number>();
    addGramKeys(codePoints(record.foldedFirstName), keys);
    addGramKeys(codePoints(record.foldedLastName), keys);
    for (const key of keys) {
      const posting = this.postings.get(key);
      this.postings.set(key, posting === undefined ? record : withRecord(posting, record));
    }
  }

  /**
   * Records that may contain `foldedQuery`, from the first whose email key is at
   * or after `after`, in email key order: a superset of the matches there.
   * Undefined when the index cannot narrow the search (an empty query, or one
   * with a lone surrogate: its grams are not the code points of the names').
   */
  candidates(foldedQuery: string, after: string | undefined): Iterable<UserRecord> | undefined {
    const points = codePoints(foldedQuery);
    if (points.length === 0 || points.some(isSurrogate)) return undefined;
    const keys = new Set<number>();
    addGramKeys(points, keys, Math.min(points.length, MAX_GRAM));
    let rarest: Posting | undefined;
    for (const key of keys) {
      const posting = this.postings.get(key);
      // A gram no name holds: nothing matches.
      if (posting === undefined) return [];
      if (rarest === undefined || postingSize(posting) < postingSize(rarest)) rarest = posting;
    }
    return recordsFrom(rarest!, after);
  }
}

/** Grams of up to this many code points: pg_trgm's three, and shorter ones so that a one- or two-letter query (a CJK name) is served too. */
const MAX_GRAM = 3;
/**
 * 2^20 gram keys at most: past a million distinct grams (names chosen to have
 * many), grams share keys and their records, instead of growing the Map
 * without bound (V8 refuses a Map past 2^24 entries). A typical store has far
 * fewer distinct grams, so a rare gram seldom shares its key with a common one.
 */
const KEY_BITS = 20;
/** A posting list that outgrows this leaves its array for a B+ tree (an insert into an array copies it). */
const MAX_ARRAY = 64;

/** One record (most grams of a store are in one name only), an ordered array of a few, or a B+ tree of many. */
type Posting = UserRecord | UserRecord[] | BTree<UserRecord, undefined>;

const byEmailKey = (a: UserRecord, b: UserRecord) => compareKeys(a.emailKey, b.emailKey);

function postingSize(posting: Posting): number {
  if (Array.isArray(posting)) return posting.length;
  return posting instanceof BTree ? posting.size : 1;
}

/** The posting with `record` added, in email key order (a record already there stays once). */
function withRecord(posting: Posting, record: UserRecord): Posting {
  if (posting instanceof BTree) {
    posting.set(record, undefined, false);
    return posting;
  }
  const records = Array.isArray(posting) ? posting : [posting];
  const at = firstAtOrAfter(records, record.emailKey);
  if (records[at] === record) return posting;
  if (records.length >= MAX_ARRAY) {
    const tree = new BTree<UserRecord, undefined>(undefined, byEmailKey);
    for (const kept of records) tree.set(kept, undefined);
    tree.set(record, undefined);
    return tree;
  }
  // A new array of the exact size: a grown array would keep spare room.
  const grown: UserRecord[] = new Array(records.length + 1);
  for (let i = 0; i < at; i++) grown[i] = records[i];
  grown[at] = record;
  for (let i = at; i < records.length; i++) grown[i + 1] = records[i];
  return grown;
}

/** The records of a posting from the first at or after `after` (all when undefined), in email key order. */
function recordsFrom(posting: Posting, after: string | undefined): Iterable<UserRecord> {
  if (posting instanceof BTree) return posting.keys(after === undefined ? undefined : ({ emailKey: after } as UserRecord));
  const records = Array.isArray(posting) ? posting : [posting];
  return after === undefined ? records : records.slice(firstAtOrAfter(records, after));
}

/** Index of the first record whose email key is at or after `key` (binary search). */
function firstAtOrAfter(records: UserRecord[], key: string): number {
  let low = 0;
  let high = records.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (compareKeys(records[middle].emailKey, key) < 0) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The code points of `text`; a lone surrogate counts as one (its own value). */
function codePoints(text: string): number[] {
  const points: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const point = text.codePointAt(i)!;
    if (point > 0xffff) i++;
    points.push(point);
  }
  return points;
}

function isSurrogate(point: number): boolean {
  return point >= 0xd800 && point <= 0xdfff;
}

/** Adds the keys of the grams of `shortest` to MAX_GRAM code points, each hashed with its length into KEY_BITS bits. */
function addGramKeys(points: number[], keys: Set<number>, shortest = 1): void {
  for (let end = 1; end <= points.length; end++) {
    for (let n = shortest; n <= Math.min(MAX_GRAM, end); n++) {
      let hash = n;
      for (let j = end - n; j < end; j++) hash = Math.imul(hash ^ points[j], 0x9e3779b1) ^ (hash >>> 15);
      keys.add((hash ^ (hash >>> 16)) & ((1 << KEY_BITS) - 1));
    }
  }
}
