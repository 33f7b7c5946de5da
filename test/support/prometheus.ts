/** One sample of the Prometheus text format: `name{label="value",...} 42`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match || line.startsWith('#')) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the one sample with this name and (at least) these labels; throws when there is none: a missing series is not 0. */
export function sampleValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const value = maybeSampleValue(samples, name, labels);
  if (value === undefined) throw new Error(`no sample of ${name} with ${JSON.stringify(labels)}`);
  return value;
}

/** Like sampleValue, but undefined when the series does not exist (a labelled counter appears on its first increment). */
export function maybeSampleValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

/** GET http://127.0.0.1:PORT/metrics, parsed. */
export async function scrape(port: number): Promise<Sample[]> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  if (response.status !== 200) throw new Error(`GET /metrics: HTTP ${response.status}`);
  return parseMetrics(await response.text());
}
