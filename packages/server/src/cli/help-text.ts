/** Environment variables that matter to `run`, shown under its `--help`. */
export const RUN_ENV_HELP = `
Environment:
  DATA_DIR              folder of real market data (ohlcv/<TICKER>.csv, fundamentals/*.jsonl,
                        news/*.jsonl) read by the csv vendor; unset = the built-in demo market
                        of fictional companies (ACME, GLOBEX, INITECH, UMBRELLA, STARK, WAYNE)
  RESULTS_DIR           default for --results-dir (else ./results)
  OPENAI_API_KEY        key for --provider openai
  OPENAI_BASE_URL       OpenAI-compatible server for --provider openai (Ollama, vLLM, …)
  ANTHROPIC_API_KEY     key for --provider anthropic
  LLM_MAX_CONCURRENCY   model calls in flight at once, over all runs
  LLM_PROVIDER_LIMITS   per provider / model limits, e.g. openai:6,anthropic:3,openai:gpt-4o:2
  NO_COLOR              set to turn colours off in the live table and summary

Output:
  On a terminal, a live table (ticker, phase, progress, elapsed, status) redrawn in place;
  otherwise one line per status or phase change. Then a summary table with each run's decision
  and results directory. With --json, stdout holds only the JSON document.

Exit codes:
  0    every run completed
  1    at least one run ended in error or was canceled
  2    invalid input (ticker, analyst, number, date, provider) or configuration
  130  interrupted by Ctrl-C: runs canceled (with --on-interrupt keep: left interrupted, to resume),
       what they produced is written (twice: quit at once)

Examples:
  tradingfloor run --tickers ACME,GLOBEX,INITECH --parallel 3
  DATA_DIR=../shared/data tradingfloor run --tickers AAPL,MSFT,NVDA --date 2024-03-28 --parallel 3
  tradingfloor run --tickers ACME --analysts market,news --rounds 2 --json > decision.json
`;

/** Environment variables that matter to `serve`, shown under its `--help`. */
export const SERVE_ENV_HELP = `
Environment (flags win over them):
  PORT, HOST            where to listen (default 3000 on 127.0.0.1)
  TRADINGFLOOR_TOKEN    API token, required when HOST is not a loopback address
  RESULTS_DIR           where runs are written (default ./results)
  MAX_PARALLEL_RUNS     active runs allowed at once (queue mode: runs executing on all workers)
  MAX_QUEUED_RUNS       queue mode: runs allowed to wait for a worker; more → 429 (default 1000)
  ENGINE_THREADS        engine worker threads executing the runs (default: cores − 1, at least 1;
                        0 = on the serving thread)
  RESUME_INTERRUPTED    1 = resume every run left interrupted by a previous process at start-up
  SHUTDOWN_TIMEOUT_MS   bound of the graceful stop on Ctrl-C / SIGTERM, which saves active runs as
                        interrupted (default 10000)
  RUNS_IN_MEMORY        finished runs kept whole in memory; older ones are read from disk (default 100)
  SCHEDULE_MISSED       run_once (default) or skip: what schedules ($RESULTS_DIR/schedules.json) do about
                        fires missed while the server was down
  INSPECT, INSPECT_URL  INSPECT=stately sends run actors to the Stately inspector relay at INSPECT_URL
                        (default ws://localhost:8080); same as --inspect
  REDIS_URL             queue mode: runs execute on \`tradingfloor worker\` processes (same as --queue;
                        docs/scale-out.md)
  DATA_DIR, OPENAI_API_KEY, ANTHROPIC_API_KEY, LLM_MAX_CONCURRENCY, LLM_PROVIDER_LIMITS:
                        as for \`run\`
  See the README's configuration table for every variable.
`;
