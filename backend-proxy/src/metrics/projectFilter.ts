/**
 * Restricts a Prometheus text exposition to some projects: a sample whose `project` label names
 * another project is dropped; samples without a `project` label (the process's own metrics) stay.
 * Applied to the rendered text, so every metric (counters, histograms, gauges, alert states) obeys
 * a key's project limits without each one knowing about keys.
 */
const SAMPLE = /^[a-zA-Z_:][a-zA-Z0-9_:]*\{((?:[^"}]|"(?:[^"\\]|\\.)*")*)\}/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function projectOf(line: string): string | null {
  const block = SAMPLE.exec(line);
  if (!block) return null;
  for (const [, name, value] of block[1].matchAll(LABEL)) {
    if (name === 'project') return value.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c));
  }
  return null;
}

export function filterExpositionByProject(text: string, projects: ReadonlySet<string>): string {
  return text
    .split('\n')
    .filter((line) => {
      if (line.startsWith('#')) return true;
      const project = projectOf(line);
      return project === null || projects.has(project);
    })
    .join('\n');
}
