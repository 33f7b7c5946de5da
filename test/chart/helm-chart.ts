import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { ROOT, TOOLS_BIN } from '../support/processes';

export const CHART_DIR = path.join(ROOT, 'charts/users-grpc');
export const ALL_FEATURES_VALUES = path.join(CHART_DIR, 'ci/all-features-values.yaml');
export const AUTOSCALING_VALUES = path.join(CHART_DIR, 'ci/autoscaling-values.yaml');
const HELM = path.join(TOOLS_BIN, 'helm');

export const RELEASE = 'rel';
export const NAMESPACE = 'directory';
export const FULLNAME = 'rel-users-grpc';
/** Any version the chart accepts (kubeVersion >= 1.24); helm's own default is 1.20. */
const KUBE_VERSION = '1.30.0';

/** A rendered Kubernetes object, loosely typed: tests read it by path. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type K8sObject = Record<string, any>;

export interface RenderOptions {
  /** Values files, in order (like `-f`). */
  valuesFiles?: string[];
  /** Values given inline, last (like another `-f`). */
  values?: object;
  kubeVersion?: string;
  /** The chart folder to render (a modified copy, for NOTES). */
  chartDir?: string;
  showOnly?: string;
}

export interface HelmResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `helm template` with the test release name and namespace. */
export function helmTemplate(options: RenderOptions = {}): HelmResult {
  return withValuesFile(options.values, (inlineFile) => {
    const args = ['template', RELEASE, options.chartDir ?? CHART_DIR, '--namespace', NAMESPACE, '--kube-version', options.kubeVersion ?? KUBE_VERSION];
    for (const file of [...(options.valuesFiles ?? []), ...(inlineFile ? [inlineFile] : [])]) args.push('--values', file);
    if (options.showOnly) args.push('--show-only', options.showOnly);
    return runHelm(args);
  });
}

/** `helm lint --strict` of the chart with extra values. */
export function helmLint(values: object): HelmResult {
  return withValuesFile(values, (file) => runHelm(['lint', '--strict', CHART_DIR, '--values', file!]));
}

/** Renders and parses every object; throws with helm's stderr when rendering fails. */
export function renderObjects(options: RenderOptions = {}): K8sObject[] {
  const result = helmTemplate(options);
  if (result.code !== 0) throw new Error(`helm template failed (exit ${result.code}):\n${result.stderr}`);
  return YAML.parseAllDocuments(result.stdout)
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`helm rendered invalid YAML: ${doc.errors[0].message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((obj): obj is K8sObject => obj !== null);
}

/** The one rendered object of this kind (and name, when given); throws when absent. */
export function findObject(objects: K8sObject[], kind: string, name?: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0];
}

export function kindsOf(objects: K8sObject[]): string[] {
  return objects.map((o) => o.kind as string).sort();
}

/**
 * NOTES.txt as `helm install` would print it. `helm template` never renders
 * NOTES and `helm install --dry-run` wants a cluster, so this renders a copy of
 * the chart with one more template that includes NOTES.txt as a string.
 */
export function renderNotes(options: RenderOptions = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'users-grpc-chart-'));
  try {
    const chartDir = path.join(dir, 'users-grpc');
    cpSync(CHART_DIR, chartDir, { recursive: true });
    writeFileSync(path.join(chartDir, 'templates/zz-notes.yaml'), 'notes: {{ include "users-grpc/templates/NOTES.txt" . | toJson }}\n');
    const [doc] = renderObjects({ ...options, chartDir, showOnly: 'templates/zz-notes.yaml' });
    return doc.notes as string;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runHelm(args: string[]): HelmResult {
  const result = spawnSync(HELM, args, { encoding: 'utf8', timeout: 20_000, env: { PATH: process.env.PATH, HOME: os.tmpdir() } });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function withValuesFile<T>(values: object | undefined, run: (file: string | undefined) => T): T {
  if (values === undefined) return run(undefined);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'users-grpc-values-'));
  try {
    const file = path.join(dir, 'values.yaml');
    writeFileSync(file, YAML.stringify(values));
    return run(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
