/**
 * The explorer page: wires the URL state, the control panel, the training worker, the
 * bounded history and the views. Training lives in the worker (worker.ts); analysis of the
 * frame shown is the library's analyzeInstance; views only draw what they are handed.
 */
import { analyzeInstance, polysemanticCount } from '../analysis/neurons.js';
import { expectedPolysemantic } from '../analysis/theory.js';
import { ConfigError } from '../core/errors.js';
import { ControlPanel, SPEED_OPTIONS } from './controls.js';
import { FrameHistory, SeriesHistory } from './history.js';
import { refuseSize } from './limits.js';
import { cliFlagsOf, formatState, readState, restartsTraining, trainConfigOf, TRAINING_KEYS, type ExplorerState } from './state.js';
import { TrainingClient } from './training-client.js';
import { AssignmentView } from './views/assignments.js';
import { OverTimeCharts } from './views/charts.js';
import { drawColorBar } from './views/colors.js';
import { WeightHeatmap } from './views/heatmap.js';
import { RaceView } from './views/race.js';
import { StatsPanel } from './views/stats.js';
import { fmtNumber, Tooltip } from './views/tooltip.js';

/** Weight frames kept for the timeline (thinned evenly beyond this). */
const FRAME_BUDGET_BYTES = 64 * 2 ** 20;
/** Chart points kept per run (thinned evenly beyond this). */
const MAX_SERIES_POINTS = 4000;


const byId = <T extends HTMLElement = HTMLElement>(id: string) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`explorer: #${id} is missing from index.html`);
  return el as T;
};

class ExplorerApp {
  private state: ExplorerState;
  /** the state the current run was started with (views use its sizes) */
  private runState: ExplorerState;
  private readonly client: TrainingClient;
  private readonly frames = new FrameHistory(FRAME_BUDGET_BYTES);
  private readonly series = new SeriesHistory(MAX_SERIES_POINTS);
  private W0: Float32Array | null = null;
  private backend = '';
  private playing = false;
  private done = false;
  private rate = NaN;
  private rateMark: { step: number; time: number } | null = null;
  /** step the timeline is pinned to, or null to follow the latest frame */
  private viewStep: number | null = null;
  private renderQueued = false;
  /** frames received while playing and not yet acknowledged (the worker's pacing) */
  private ackOwed = 0;
  private readonly controls: ControlPanel;
  private readonly tooltip = new Tooltip();
  private readonly heatmap: WeightHeatmap;
  private readonly assign: AssignmentView;
  private readonly race: RaceView;
  private readonly charts: OverTimeCharts;
  private readonly stats = new StatsPanel();
  private readonly ui = {
    play: byId<HTMLButtonElement>('play'),
    step: byId<HTMLButtonElement>('step'),
    reset: byId<HTMLButtonElement>('reset'),
    speed: byId<HTMLSelectElement>('speed'),
    timeline: byId<HTMLInputElement>('timeline'),
    stepLabel: byId('step-label'),
    live: byId<HTMLButtonElement>('live'),
    message: byId('message'),
  };

  constructor() {
    const { state, ignored } = readState(location.search);
    this.state = state;
    this.runState = state;
    this.controls = new ControlPanel(byId('controls'), (key, value) => this.change(key, value));
    const select = (f: number) => this.change('feature', f);
    this.heatmap = new WeightHeatmap(byId('heatmap'), this.tooltip, select);
    this.assign = new AssignmentView(byId('assign'), this.tooltip, select);
    this.race = new RaceView(byId('race'), this.tooltip);
    this.charts = new OverTimeCharts({ poly: byId('chart-poly'), loss: byId('chart-loss'), forces: byId('chart-forces') }, this.tooltip);
    drawColorBar(byId<HTMLCanvasElement>('colorbar'));
    this.client = new TrainingClient({
      ready: (info) => {
        this.W0 = info.W0;
        this.backend = `${info.backend} (${info.dtype})`;
      },
      frame: (f) => {
        this.frames.push(f.step, f.W);
        this.series.push(f.points);
        if (!f.playing) this.playing = false; // done or a manual step; a pause click already cleared it
        this.done = f.done;
        this.measureRate(f.step, f.playing);
        if (f.playing) this.ackOwed++;
        this.queueRender();
      },
      error: (e) => {
        this.playing = false;
        this.showMessage(`Stopped: ${e.message}`, 'error');
        this.queueRender();
      },
    });
    this.wireTransport();
    window.addEventListener('resize', () => this.queueRender());
    this.controls.set(this.state);
    if (ignored.length) this.showMessage(`Ignored malformed values in the address: ${ignored.join(', ')} (using defaults).`, 'warn');
    this.restart();
  }

  private wireTransport(): void {
    const { play, step, reset, speed, timeline, live } = this.ui;
    speed.replaceChildren(
      ...SPEED_OPTIONS.map((o) => {
        const opt = document.createElement('option');
        opt.value = o.value;
        opt.textContent = o.label;
        return opt;
      }),
    );
    speed.value = String(this.state.speed);
    speed.addEventListener('change', () => this.change('speed', Number(speed.value)));
    play.addEventListener('click', () => (this.playing ? this.pause() : this.play()));
    step.addEventListener('click', () => {
      this.viewStep = null;
      this.playing = false;
      this.client.step(1, this.state.steps);
    });
    reset.addEventListener('click', () => this.restart());
    timeline.addEventListener('input', () => {
      if (this.playing) this.pause();
      const index = Number(timeline.value);
      this.viewStep = index >= this.frames.length - 1 ? null : this.frames.at(index).step;
      this.queueRender();
    });
    live.addEventListener('click', () => {
      this.viewStep = null;
      this.queueRender();
    });
    document.addEventListener('keydown', (e) => {
      const target = e.target as HTMLElement;
      if (e.code !== 'Space' || ['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON'].includes(target.tagName)) return;
      e.preventDefault();
      if (this.playing) this.pause();
      else this.play();
    });
  }

  private play(): void {
    this.rateMark = null;
    if (this.done) {
      this.showMessage(`Reached step ${this.state.steps}. Raise “train until step” to continue, or Reset.`, 'info');
      return;
    }
    this.viewStep = null;
    this.playing = true;
    this.client.play(this.state.speed, this.state.steps);
    this.queueRender();
  }

  private pause(): void {
    this.playing = false;
    this.client.pause();
    this.queueRender();
  }

  /** A control changed: validate, update the URL, restart training when the model changes. */
  private change(key: keyof ExplorerState, value: number | string | boolean): void {
    const next = { ...this.state, [key]: value } as ExplorerState;
    if (key === 'nFeatures' && next.feature >= Number(value)) next.feature = 0;
    if (key === 'nInstances' && next.instance >= Number(value)) next.instance = 0;
    if (key === 'feature' && (!Number.isInteger(value) || (value as number) < 0 || (value as number) >= this.runState.nFeatures)) {
      this.controls.showError('feature', `feature in race: must be an integer in [0, ${this.runState.nFeatures - 1}] (got ${value})`);
      return;
    }
    if (key === 'steps' && (!Number.isInteger(value) || (value as number) < 0)) {
      this.controls.showError('steps', `train until step: must be an integer >= 0 (got ${value})`);
      return;
    }
    if (key === 'speed' && !(Number(value) >= 1)) return;
    const restarts = restartsTraining(this.state, next);
    if (restarts && !this.validate(next)) {
      this.state = next;
      this.writeUrl();
      return;
    }
    this.state = next;
    this.controls.set(next);
    this.writeUrl();
    if (restarts) return this.restart();
    if (key === 'steps') {
      this.done = this.latestStep() >= next.steps;
      if (this.playing) this.client.play(next.speed, next.steps);
      if (!this.done) this.hideMessage();
    }
    if (key === 'speed' && this.playing) this.client.play(next.speed, next.steps);
    if (key === 'feature' || key === 'instance' || key === 'order' || key === 'steps') this.queueRender();
  }

  /** Config validation (the core's parseConfig) and the size limits; shows why on failure. */
  private validate(s: ExplorerState): boolean {
    this.controls.clearAllErrors();
    try {
      trainConfigOf(s);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      const key = err.field.split(' ')[0] as keyof ExplorerState; // config fields are state keys
      if ((TRAINING_KEYS as string[]).includes(key)) this.controls.showError(key, err.message);
      else this.showMessage(err.message, 'error');
      return false;
    }
    const refusal = refuseSize(s);
    if (refusal) {
      if (this.playing) this.pause();
      this.showMessage(`Not started: ${refusal} The views still show the previous run.`, 'error');
      return false;
    }
    return true;
  }

  /** Starts the run of the current state from step 0. */
  private restart(): void {
    if (!this.validate(this.state)) return this.queueRender();
    this.hideMessage();
    this.runState = this.state;
    this.frames.clear();
    this.series.clear();
    this.W0 = null;
    this.playing = false;
    this.done = false;
    this.rate = NaN;
    this.viewStep = null;
    this.ackOwed = 0;
    this.client.start(trainConfigOf(this.state), this.state.steps);
    this.queueRender();
  }

  /** Steps per second of wall time while playing, smoothed over frames. */
  private measureRate(step: number, playing: boolean): void {
    const now = performance.now();
    const prev = this.rateMark;
    this.rateMark = playing ? { step, time: now } : null;
    if (!prev || now <= prev.time) return;
    const rate = ((step - prev.step) * 1000) / (now - prev.time);
    this.rate = Number.isFinite(this.rate) ? 0.85 * this.rate + 0.15 * rate : rate;
  }

  private latestStep(): number {
    return this.frames.latest?.step ?? 0;
  }

  private writeUrl(): void {
    const url = `${location.pathname}${formatState(this.state)}${location.hash}`;
    history.replaceState(null, '', url);
  }

  private showMessage(text: string, kind: 'info' | 'warn' | 'error'): void {
    this.ui.message.textContent = text;
    this.ui.message.dataset.kind = kind;
    this.ui.message.hidden = false;
  }

  private hideMessage(): void {
    this.ui.message.hidden = true;
  }

  private queueRender(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      const t0 = performance.now();
      this.render();
      // exposed for the browser test and for measuring the size limits (limits.ts)
      document.body.dataset.renderMs = (performance.now() - t0).toFixed(1);
      if (this.ackOwed > 0) {
        this.client.ack(this.ackOwed);
        this.ackOwed = 0;
      }
    });
  }

  private render(): void {
    this.renderTransport();
    const W0 = this.W0;
    const latest = this.frames.latest;
    if (!W0 || !latest) return;
    const index = this.viewStep === null ? this.frames.length - 1 : this.frames.indexOfStep(this.viewStep);
    const frame = this.frames.at(index);
    const s = this.state;
    const { nFeatures: n, nHidden: m, nInstances: instances } = this.runState;
    const inst = Math.min(s.instance, instances - 1);
    const feature = Math.min(s.feature, n - 1);
    const analysis = analyzeInstance(W0, frame.W, n, m, inst);
    const rows = (A: Float32Array) => A.subarray(inst * n * m, (inst + 1) * n * m);
    this.heatmap.render({ W: rows(frame.W), W0: rows(W0), n, m, analysis, order: s.order, selectedFeature: feature });
    this.assign.render({ W: rows(frame.W), n, m, analysis, selectedFeature: feature });
    this.race.render({
      feature,
      w: frame.W.subarray((inst * n + feature) * m, (inst * n + feature + 1) * m),
      w0: W0.subarray((inst * n + feature) * m, (inst * n + feature + 1) * m),
      initialWinner: analysis.fates[feature].initialWinner,
    });
    const theory = expectedPolysemantic(n, m);
    this.charts.render({ points: this.series.all, instance: inst, cursor: frame.step, theory, xMax: Math.max(s.steps, this.latestStep()) });
    const point = this.series.all.find((p) => p.step === frame.step);
    const backendFlag = this.backend ? ` --backend ${this.backend.split(' ')[0]}` : '';
    this.stats.render({
      analysis,
      instance: inst,
      perInstance: instances > 1 ? Array.from({ length: instances }, (_, i) => polysemanticCount(frame.W, n, m, i)) : [],
      theory,
      step: frame.step,
      status: this.status(),
      loss: point ? point.loss[inst] : NaN,
      backend: this.backend,
      command: `incidental train ${cliFlagsOf({ ...this.runState, steps: s.steps })}${backendFlag} --out runs/explorer && incidental analyze runs/explorer`,
    });
    // for the browser test: the step shown, and whether the run is finished and shown live
    document.body.dataset.step = String(frame.step);
    document.body.dataset.done = String(this.done && this.viewStep === null);
  }

  private renderTransport(): void {
    const { play, timeline, stepLabel, live, speed } = this.ui;
    play.textContent = this.playing ? '❚❚ Pause' : this.done ? '✓ Done' : '▶ Train';
    play.classList.toggle('playing', this.playing);
    play.setAttribute('aria-pressed', String(this.playing));
    speed.value = String(this.state.speed);
    const count = this.frames.length;
    const index = this.viewStep === null ? count - 1 : this.frames.indexOfStep(this.viewStep);
    timeline.max = String(Math.max(0, count - 1));
    timeline.value = String(Math.max(0, index));
    timeline.disabled = count < 2;
    const shown = count ? this.frames.at(index).step : 0;
    stepLabel.textContent = this.viewStep === null ? `step ${shown} of ${this.state.steps}` : `viewing step ${shown} (latest ${this.latestStep()})`;
    live.hidden = this.viewStep === null;
  }

  private status(): string {
    if (this.viewStep !== null) return `replaying; latest ${this.latestStep()}`;
    if (this.playing) return Number.isFinite(this.rate) ? `${fmtNumber(this.rate)} steps/s` : 'training';
    return this.done ? 'finished' : 'paused';
  }
}

new ExplorerApp();
