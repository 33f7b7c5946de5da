/**
 * Whether `work` settled within `ms`: true once it resolves, false when the
 * time ran out first (it goes on, unawaited); its rejection is passed on. The
 * timer never outlives it, so a bound does not keep the process alive.
 */
export async function settledWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}
