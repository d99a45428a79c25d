/**
 * The shapes shared by the experiment registry, the runner and the report. An experiment
 * is pure: it lists the training runs it needs (complete configs) and turns their results
 * into figures (flat data rows + a Vega-Lite spec), table rows and pass/fail checks. The
 * runner (Node only) trains, caches and writes files; nothing here touches I/O.
 */
import type { TrainConfig } from '../core/config.js';
import type { Snapshot } from '../core/train.js';
import type { VegaLiteSpec } from '../plots/theme.js';

/** `test` is a seconds-long scale for the test suite; `quick` the default; `paper` the published parameters. */
export const SCALE_NAMES = ['quick', 'paper', 'test'] as const;
export type ScaleName = (typeof SCALE_NAMES)[number];

/** A–F reproduce the paper; the later letters answer its open questions ("Beyond the paper"). */
export const EXPERIMENT_IDS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L'] as const;
export type ExperimentId = (typeof EXPERIMENT_IDS)[number];

/** Which part of the report an experiment belongs to. */
export type ReportPart = 'paper' | 'beyond';

/** One training run an experiment needs. The cache key is a hash of the config alone (which holds the seed). */
export interface RunSpec {
  /** short human label for progress lines, e.g. "B n=64 m=256" */
  label: string;
  config: TrainConfig;
}

/** A finished run, as the analysis sees it. */
export interface RunOutcome {
  config: TrainConfig;
  /** [nInstances, nFeatures, nHidden] */
  shape: [number, number, number];
  /** Float32Array [nInstances, n, m] initial weights */
  W0: Float32Array;
  /** Float32Array [nInstances, n, m] final weights */
  W: Float32Array;
  snapshots: Snapshot[];
  /** backend that actually trained it (e.g. "wasm", "reference") */
  backend: string;
  wallTimeSeconds: number;
}

/** Reads a finished run; the runner supplies it (from the cache directory). */
export type LoadRun = (spec: RunSpec) => RunOutcome;

/** One figure: the data behind it (flat rows, written as JSON and CSV) and its Vega-Lite spec. */
export interface FigureResult {
  /** file-name stem, e.g. "B-count-vs-m" */
  id: string;
  title: string;
  /** plain-language explanation shown under the figure */
  caption: string;
  rows: Array<Record<string, number | string | null>>;
  spec: VegaLiteSpec;
}

/** One line of the measured vs predicted vs published table. */
export interface TableRow {
  quantity: string;
  measured: string;
  predicted: string;
  published: string;
}

/** An acceptance check of the science (never tuned to pass). */
export interface CheckResult {
  name: string;
  /** what was measured, with numbers */
  measured: string;
  /** the criterion, e.g. "slope in [−1.3, −0.7]" */
  criterion: string;
  pass: boolean;
}

/** What an experiment's analysis produces. */
export interface ExperimentAnalysis {
  figures: FigureResult[];
  table: TableRow[];
  checks: CheckResult[];
  /** anything a reader should know: zero counts dropped from a fit, diverged runs, … */
  notes: string[];
  /**
   * The experiment's answer to its question in one paragraph, stated from the measurements
   * (a number with its uncertainty; where it contradicts a prediction, it says so).
   */
  answer?: string;
}

/** An analysis with what the runner knows about it, as the report shows it. */
export interface ExperimentResult extends ExperimentAnalysis {
  id: ExperimentId;
  part: ReportPart;
  title: string;
  claim: string;
  /** the parameters used, one line */
  parameters: string;
  /** the paper's parameters, one line */
  paperParameters: string;
  /** why and how this scale departs from the paper ('' at paper scale) */
  scaleNote: string;
  /** seconds spent analysing (training time is in the run provenance) */
  analysisSeconds: number;
}

/**
 * A registered experiment. `P` is its parameter set; `params` holds one per scale so the
 * report can say exactly what the quick scale scaled down.
 */
export interface Experiment<P = unknown> {
  id: ExperimentId;
  /** 'beyond' puts it in the report's second part, "Beyond the paper" (default 'paper') */
  part?: ReportPart;
  title: string;
  /** one sentence: what the paper claims and what the experiment shows */
  claim: string;
  params: Record<ScaleName, P>;
  /** one line describing a parameter set, e.g. "n=64, m ∈ {64,…,1024}, 8 instances, 10⁴ steps" */
  describe(p: P): string;
  /** why the smaller scales use the parameters they do (shown in the report) */
  scaleNotes: Partial<Record<ScaleName, string>>;
  runs(p: P): RunSpec[];
  /** May be async: experiments that train from given weights (I, J) do it here (src/reproduce/derived.ts). */
  analyze(p: P, load: LoadRun, scale: ScaleName): ExperimentAnalysis | Promise<ExperimentAnalysis>;
}
