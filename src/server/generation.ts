// A data generation counter for this process: bumped after every committed findings write
// (a stored scan, a re-match chunk, the summaries), read by the short-lived answer caches of the
// CVE query and the dashboard overview (cache.ts), so an answer cached before a write is never
// served after it.
let generation = 0;

export function bumpGeneration(): void {
  generation++;
}

export function currentGeneration(): number {
  return generation;
}
