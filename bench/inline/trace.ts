/**
 * Chrome trace recording over the DevTools Protocol, and attribution of the page's main-thread tasks
 * to the content script.
 */
import type { CDPSession } from 'playwright-core';

export interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string; data?: Record<string, unknown> } & Record<string, unknown>;
}

/**
 * Light categories on purpose: with `devtools.timeline` Chrome writes a FunctionCall and an
 * UpdateCounters event for every call from the DOM into JS — each TreeWalker `acceptNode` call of the
 * content script's walk (29,000 on the bench page) — which tripled the walk's measured time. Tasks
 * come from `toplevel`, attribution and the breakdown from the V8 sampling profiler.
 */
const CATEGORIES = ['-*', 'toplevel', 'blink.user_timing', 'loading', 'disabled-by-default-v8.cpu_profiler'];

/** With `devtools.timeline` too (layout/style events, but slow script callbacks): BENCH_INLINE_TIMELINE=1. */
const TIMELINE_CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute'];

export async function startTrace(
  session: CDPSession,
  options: { timeline?: boolean } = {},
): Promise<() => Promise<TraceEvent[]>> {
  const events: TraceEvent[] = [];
  const onData = (payload: { value: object[] }) => {
    for (const event of payload.value) events.push(event as TraceEvent);
  };
  session.on('Tracing.dataCollected', onData);
  await session.send('Tracing.start', {
    traceConfig: {
      includedCategories:
        options.timeline || process.env.BENCH_INLINE_TIMELINE
          ? [...CATEGORIES, ...TIMELINE_CATEGORIES]
          : CATEGORIES,
      recordMode: 'recordAsMuchAsPossible',
    },
    transferMode: 'ReportEvents',
  });
  return async () => {
    const complete = new Promise<void>((done) => session.once('Tracing.tracingComplete', () => done()));
    await session.send('Tracing.end');
    await complete;
    session.off('Tracing.dataCollected', onData);
    return events;
  };
}

export interface Phase {
  ms: number;
  tasks: number;
  longestMs: number;
  /** Sampled time by innermost function (ms), most first. */
  hot: Array<[string, number]>;
}

/** A pause this long between content-script tasks is the wait for the lookup answers. */
const PHASE_GAP_US = 300_000;

export interface TaskSummary {
  /** Start-up (script evaluation), scan (walk + extraction + report) and highlight (answer → marks). */
  phases: { startup: Phase; scan: Phase; highlight: Phase };
  /** Sum of the durations of the tasks that ran content-script code (ms). */
  totalMs: number;
  longestMs: number;
  over50: number;
  tasks: number;
  /** What the longest task spent its time on: self time by trace event name (ms), most first. */
  longestBreakdown: Array<[string, number]>;
  /** The same over all content-script tasks. */
  breakdown: Array<[string, number]>;
  /** All main-thread task time on the page's renderer in the trace (ms), whoever ran it. */
  mainThreadMs: number;
  /** From the first to the end of the last content-script task, after navigation start (ms). */
  lastContentTaskEndMs: number;
  /** Sampled time in the content-script tasks by innermost function (ms), most first. */
  hotFunctions: Array<[string, number]>;
  /** Each content-script task: start after navigation and duration (ms). */
  taskList: Array<{ atMs: number; ms: number; hot: Array<[string, number]> }>;
  /** Mean time between CPU-profile samples (ms). */
  sampleIntervalMs: number;
}

const SCRIPT_EVENTS = new Set([
  'FunctionCall',
  'EvaluateScript',
  'v8.evaluateModule',
  'TimerFire',
  'FireAnimationFrame',
  'v8.callFunction',
  'V8.Execute',
  'RunMicrotasks',
]);

function urlOf(event: TraceEvent): string | undefined {
  const data = event.args?.data;
  const url = data?.url ?? data?.scriptName;
  return typeof url === 'string' ? url : undefined;
}

interface ProfileNode {
  id: number;
  callFrame: { url?: string; functionName?: string };
  parent?: number;
}

interface Sample {
  /** µs, trace clock. */
  ts: number;
  /** µs until the next sample (the time this sample stands for). */
  weight: number;
  /** Whether the stack contains extension code. */
  ours: boolean;
  /** The innermost frame: `function (file:line)`. */
  leaf: string;
}

/**
 * The V8 CPU-profile samples of a process (`Profile`/`ProfileChunk` trace events). Promise
 * continuations of the extension's messaging run as microtasks with no FunctionCall event: the samples
 * are what tell us they are ours.
 */
function profileSamples(
  events: readonly TraceEvent[],
  pid: number,
  tid: number,
  urlPrefix: string,
): Sample[] {
  const byProfile = new Map<
    string,
    { start: number; nodes: Map<number, ProfileNode>; samples: number[]; deltas: number[] }
  >();
  for (const event of events) {
    if (event.pid !== pid) continue;
    const id = String((event as unknown as { id?: string }).id ?? '');
    if (event.name === 'Profile') {
      if (event.tid !== tid) continue;
      const data = event.args?.data as { startTime?: number } | undefined;
      byProfile.set(id, { start: data?.startTime ?? event.ts, nodes: new Map(), samples: [], deltas: [] });
    } else if (event.name === 'ProfileChunk') {
      const profile = byProfile.get(id);
      if (!profile) continue;
      const data = event.args?.data as
        | { cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] }; timeDeltas?: number[] }
        | undefined;
      for (const node of data?.cpuProfile?.nodes ?? []) profile.nodes.set(node.id, node);
      profile.samples.push(...(data?.cpuProfile?.samples ?? []));
      profile.deltas.push(...(data?.timeDeltas ?? []));
    }
  }
  const out: Sample[] = [];
  for (const profile of byProfile.values()) {
    const ours = new Map<number, boolean>();
    const isOurs = (id: number): boolean => {
      const known = ours.get(id);
      if (known !== undefined) return known;
      const node = profile.nodes.get(id);
      const result =
        node === undefined
          ? false
          : (node.callFrame.url ?? '').startsWith(urlPrefix) ||
            (node.parent !== undefined && isOurs(node.parent));
      ours.set(id, result);
      return result;
    };
    let t = profile.start;
    const times = profile.samples.map((_, i) => {
      t += profile.deltas[i] ?? 0;
      return t;
    });
    profile.samples.forEach((sample, i) => {
      const node = profile.nodes.get(sample);
      const frame = node?.callFrame as
        | { functionName?: string; url?: string; lineNumber?: number }
        | undefined;
      const file = (frame?.url ?? '').split('/').pop() ?? '';
      out.push({
        ts: times[i]!,
        weight: Math.max(0, (times[i + 1] ?? times[i]!) - times[i]!),
        ours: isOurs(sample),
        leaf: `${frame?.functionName || '(anonymous)'}${file ? ` (${file}:${(frame?.lineNumber ?? 0) + 1})` : ''}`,
      });
    });
  }
  return out.sort((a, b) => a.ts - b.ts);
}

export function analyseTrace(
  events: readonly TraceEvent[],
  options: { contentScriptUrl: string; extensionOrigin: string; pageUrl: string },
): TaskSummary {
  // The page's renderer: where its navigation started; its main thread is CrRendererMain.
  const navigation = events.find(
    (e) =>
      e.name === 'navigationStart' &&
      (e.args?.data as { documentLoaderURL?: string } | undefined)?.documentLoaderURL === options.pageUrl,
  );
  const renderer = events.find(
    (e) =>
      e.ph === 'M' &&
      e.name === 'thread_name' &&
      e.args?.name === 'CrRendererMain' &&
      e.pid === navigation?.pid,
  );
  if (!navigation || !renderer) throw new Error('The trace has no main thread for the report page.');
  const { pid, tid } = renderer;
  const onThread = events
    .filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.dur !== undefined)
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const navigationStart = navigation.ts;
  // Top-level tasks (an event nested in another is part of it).
  const tasks: TraceEvent[] = [];
  let openEnd = -1;
  for (const event of onThread) {
    // Any outermost event is a task: most are RunTask, but IPC replies (the extension's message
    // answers) arrive in `Receive mojo message` / `SimpleWatcher::OnHandleReady` with no RunTask.
    if (event.ts < navigationStart) continue;
    if (event.ts < openEnd) continue;
    tasks.push(event);
    openEnd = event.ts + (event.dur ?? 0);
  }
  const allSamples = profileSamples(events, pid, tid, options.extensionOrigin);
  const samples = allSamples.filter((sample) => sample.ours).map((sample) => sample.ts);
  if (process.env.BENCH_INLINE_HOT) {
    const lastTask = tasks.at(-1);
    process.stderr.write(
      `samples ${allSamples.length} from ${((allSamples[0]?.ts ?? 0) - navigation.ts) / 1000} to ${((allSamples.at(-1)?.ts ?? 0) - navigation.ts) / 1000} ms; ours ${samples.length}; tasks ${tasks.length}, last at ${((lastTask?.ts ?? 0) - navigation.ts) / 1000}; profiles ${events
        .filter((e) => e.name === 'Profile' && e.pid === pid)
        .map((e) => e.tid)
        .join(',')} main ${tid}\n`,
    );
  }
  const inside = (task: TraceEvent, event: TraceEvent) =>
    event.ts >= task.ts && event.ts + (event.dur ?? 0) <= task.ts + (task.dur ?? 0);
  const ourScriptEvents = onThread.filter(
    (e) => SCRIPT_EVENTS.has(e.name) && (urlOf(e) ?? '').startsWith(options.extensionOrigin),
  );
  let sampleIndex = 0;
  let eventIndex = 0;
  const ours: TraceEvent[] = [];
  let mainThreadUs = 0;
  for (const task of tasks) {
    mainThreadUs += task.dur ?? 0;
    const end = task.ts + (task.dur ?? 0);
    let hit = false;
    while (sampleIndex < samples.length && samples[sampleIndex]! < task.ts) sampleIndex++;
    if (sampleIndex < samples.length && samples[sampleIndex]! <= end) hit = true;
    while (eventIndex < ourScriptEvents.length && ourScriptEvents[eventIndex]!.ts < task.ts) eventIndex++;
    if (eventIndex < ourScriptEvents.length && inside(task, ourScriptEvents[eventIndex]!)) hit = true;
    if (hit) ours.push(task);
  }
  const durations = ours.map((t) => (t.dur ?? 0) / 1000);
  const longest = ours.reduce<TraceEvent | undefined>(
    (best, t) => (best === undefined || (t.dur ?? 0) > (best.dur ?? 0) ? t : best),
    undefined,
  );
  const selfTimes = (tasksToSplit: readonly TraceEvent[]): Array<[string, number]> => {
    // Self time by event name inside the tasks: each event minus its direct children.
    const out = new Map<string, number>();
    for (const task of tasksToSplit) {
      const within = onThread.filter((event) => event === task || inside(task, event));
      const stack: Array<{ event: TraceEvent; childUs: number }> = [];
      const close = (entry: { event: TraceEvent; childUs: number }) => {
        const self = (entry.event.dur ?? 0) - entry.childUs;
        out.set(entry.event.name, (out.get(entry.event.name) ?? 0) + self / 1000);
      };
      for (const event of within) {
        while (stack.length > 0) {
          const top = stack[stack.length - 1]!;
          if (event.ts < top.event.ts + (top.event.dur ?? 0)) break;
          close(stack.pop()!);
        }
        const parent = stack[stack.length - 1];
        if (parent) parent.childUs += event.dur ?? 0;
        stack.push({ event, childUs: 0 });
      }
      while (stack.length > 0) close(stack.pop()!);
    }
    return [...out].sort((a, b) => b[1] - a[1]);
  };
  // Where the attributed tasks' time went, by innermost frame of the CPU-profile samples in them.
  const hot = new Map<string, number>();
  const hotByTask = ours.map(() => new Map<string, number>());
  let taskIndex = 0;
  for (const sample of allSamples) {
    while (taskIndex < ours.length && ours[taskIndex]!.ts + (ours[taskIndex]!.dur ?? 0) < sample.ts)
      taskIndex++;
    const task = ours[taskIndex];
    if (!task || sample.ts < task.ts) continue;
    hot.set(sample.leaf, (hot.get(sample.leaf) ?? 0) + sample.weight / 1000);
    const own = hotByTask[taskIndex]!;
    own.set(sample.leaf, (own.get(sample.leaf) ?? 0) + sample.weight / 1000);
  }
  const top = (map: Map<string, number>, n: number) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
  // Phases: the first task evaluates the content script; the highlight is what follows the last quiet
  // gap (the lookup round trip); the scan is in between.
  const phase = (from: number, to: number): Phase => {
    const d = ours.slice(from, to).map((t) => (t.dur ?? 0) / 1000);
    const merged = new Map<string, number>();
    for (const map of hotByTask.slice(from, to))
      for (const [fn, t] of map) merged.set(fn, (merged.get(fn) ?? 0) + t);
    return {
      ms: d.reduce((a, b) => a + b, 0),
      tasks: d.length,
      longestMs: Math.max(0, ...d),
      hot: top(merged, 20),
    };
  };
  let highlightFrom = ours.length;
  for (let i = ours.length - 1; i >= 2; i--) {
    const previous = ours[i - 1]!;
    if (ours[i]!.ts - (previous.ts + (previous.dur ?? 0)) >= PHASE_GAP_US) {
      highlightFrom = i;
      break;
    }
  }
  const phases = {
    startup: phase(0, 1),
    scan: phase(1, highlightFrom),
    highlight: phase(highlightFrom, ours.length),
  };
  const lastEnd = ours.reduce((max, t) => Math.max(max, t.ts + (t.dur ?? 0)), navigationStart);
  return {
    totalMs: durations.reduce((a, b) => a + b, 0),
    longestMs: Math.max(0, ...durations),
    over50: durations.filter((d) => d > 50).length,
    tasks: ours.length,
    longestBreakdown: longest ? selfTimes([longest]) : [],
    breakdown: selfTimes(ours),
    mainThreadMs: mainThreadUs / 1000,
    lastContentTaskEndMs: (lastEnd - navigationStart) / 1000,
    phases,
    hotFunctions: top(hot, 25),
    taskList: ours.map((task, i) => ({
      atMs: (task.ts - navigationStart) / 1000,
      ms: (task.dur ?? 0) / 1000,
      hot: top(hotByTask[i]!, 6),
    })),
    sampleIntervalMs:
      allSamples.length > 1
        ? (allSamples.at(-1)!.ts - allSamples[0]!.ts) / (allSamples.length - 1) / 1000
        : 0,
  };
}
