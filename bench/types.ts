/** A benchmark section: `run` returns markdown for bench/RESULTS.md. */
export interface BenchModule {
  readonly name: string;
  run(): string | Promise<string>;
}
