import leven from 'leven';

/** The closest candidate to a typo, when it is close enough to be what was meant. */
export function closest(typo: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = leven(typo.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  // As yargs' recommendCommands: at most 3 edits, and fewer than the word's length.
  return best && best.distance <= Math.min(3, Math.max(1, typo.length - 1)) ? best.candidate : undefined;
}

/** ` (did you mean X?)` or nothing. */
export function didYouMean(typo: string, candidates: readonly string[], show: (candidate: string) => string = (c) => c): string {
  const match = closest(typo, candidates);
  return match === undefined ? '' : ` (did you mean ${show(match)}?)`;
}
