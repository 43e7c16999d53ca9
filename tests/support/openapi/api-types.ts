// Generated from GET /openapi.json by openapi-typescript (npm run openapi:types). Do not edit.
export interface paths {
    "/start-multi": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start one run per symbol, all or nothing */
        post: operations["startMulti"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/start-process": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start one run (legacy) */
        post: operations["startProcess"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Runs the server knows: every one matching the filters, or one page with `limit` / `cursor` */
        get: operations["listRuns"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{id}/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A run’s summary */
        get: operations["runStatus"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{id}/tree": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A run’s tree and contents */
        get: operations["runTree"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{id}/decision": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A run’s final decision */
        get: operations["runDecision"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{id}/chart": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Price chart up to the trade date */
        get: operations["runChart"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a run */
        post: operations["cancelRun"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume an interrupted run, optionally changing its memory or cassette */
        post: operations["resumeRun"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{id}/lessons": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The lessons from past decisions a run’s managers were shown */
        get: operations["runLessons"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{id}/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every webhook delivery of a run: target, event, attempts and outcome */
        get: operations["runWebhooks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/backtests/{id}/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every webhook delivery of a backtest */
        get: operations["backtestWebhooks"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/memory": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every lesson stored for a ticker */
        get: operations["memory"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/backtests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every backtest */
        get: operations["listBacktests"];
        put?: never;
        /** Start a backtest over a ticker × date grid */
        post: operations["startBacktest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/backtests/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A backtest: status, progress, cells and metrics when done */
        get: operations["backtest"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/backtests/{id}/equity": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Daily equity of every series */
        get: operations["backtestEquity"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/backtests/{id}/trades": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every fill of every series */
        get: operations["backtestTrades"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/backtests/{id}/decisions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The cells with their decisions */
        get: operations["backtestDecisions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/backtests/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a backtest (it stays resumable) */
        post: operations["cancelBacktest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/backtests/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume an interrupted or canceled backtest */
        post: operations["resumeBacktest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schedules": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every schedule with its last and next fires */
        get: operations["listSchedules"];
        put?: never;
        /** Create a schedule: a watchlist started as one batch on a cron expression in a time zone */
        post: operations["createSchedule"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schedules/preview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Check a cron expression and time zone and list their next fire times */
        get: operations["previewSchedule"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/schedules/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One schedule */
        get: operations["schedule"];
        put?: never;
        post?: never;
        /** Delete a schedule (runs it started are kept) */
        delete: operations["deleteSchedule"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{id}/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A run’s log, filtered and paged */
        get: operations["runLogs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{id}/logs/download": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A run’s log as a text attachment */
        get: operations["runLogsDownload"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{id}/report.md": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A finished run’s whole report as one Markdown document (decision, reports, debates, chart, provenance); 409 while it runs */
        get: operations["runReportMarkdown"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{id}/report.html": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A finished run’s whole report as one self-contained, printable HTML page (no scripts, no external resources); 409 while it runs */
        get: operations["runReportHtml"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/runs/{id}/inspect": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The run actor’s inspection records */
        get: operations["runInspect"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/machine": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The run statechart’s definition */
        get: operations["machine"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This API as an OpenAPI 3.1 document */
        get: operations["openapi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/docs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The API reference page */
        get: operations["docs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/config/providers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Providers, data vendors, data coverage */
        get: operations["providers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics/concurrency": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The LLM limiter’s layers; in queue mode the queue’s job counts and workers */
        get: operations["concurrency"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics/phases": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Phase durations over finished runs */
        get: operations["phaseMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics */
        get: operations["metrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness (and Redis, in queue mode) */
        get: operations["healthz"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        ErrorBody: {
            error: string;
        };
        /** @enum {string} */
        RunStatus: "pending" | "in_progress" | "completed" | "error" | "canceled" | "interrupted";
        RunSummary: {
            run_id: string;
            ticker: string;
            trade_date: string;
            status: components["schemas"]["RunStatus"];
            overall_progress: number;
            created_at: number;
            updated_at: number;
            current_phase: string | null;
            provider: string;
            error: string | null;
            action: ("BUY" | "SELL" | "HOLD") | null;
            results_path: string;
            queue_position?: number;
            batch_id?: string | null;
            backtest_id?: string | null;
            rating?: ("Buy" | "Overweight" | "Hold" | "Underweight" | "Sell") | null;
            confidence?: number | null;
            entry_price?: number | null;
            stop_loss?: number | null;
            take_profit?: number | null;
            reward_risk?: number | null;
            position_action?: ("open_long" | "close_long" | "maintain_long" | "open_short" | "close_short" | "maintain_short" | "none") | null;
            tokens?: number;
            cost_usd?: number | null;
            quick_model?: string;
            deep_model?: string;
            data_source?: string;
        };
        RunListResponse: {
            runs: components["schemas"]["RunSummary"][];
        };
        RunPageResponse: {
            runs: components["schemas"]["RunSummary"][];
            total: number;
            next_cursor: string | null;
        };
        Decision: {
            /** @constant */
            version: 1;
            ticker: string;
            trade_date: string;
            /** @enum {string} */
            rating: "Buy" | "Overweight" | "Hold" | "Underweight" | "Sell";
            /** @enum {string} */
            action: "BUY" | "SELL" | "HOLD";
            /** @enum {string} */
            position_action: "open_long" | "close_long" | "maintain_long" | "open_short" | "close_short" | "maintain_short" | "none";
            summary: string;
            confidence: number;
            confidence_basis: string;
            rationale: string[];
            risk_metrics: {
                entry_price: number | null;
                stop_loss: number | null;
                take_profit: number | null;
                reward_risk: number | null;
            };
            position_size?: number | null;
            notes: string[];
            raw_text: string;
        };
        TreeNode: {
            id: string;
            name: string;
            /** @enum {string} */
            node_type: "phase" | "agent" | "report" | "messages" | "tool_call";
            /** @enum {string} */
            status: "pending" | "in_progress" | "completed" | "error" | "canceled" | "skipped";
            started_at: number | null;
            ended_at: number | null;
            duration_ms: number | null;
            error?: string;
            args?: string;
            summary?: string;
            vendor?: string;
            children: components["schemas"]["TreeNode"][];
        };
        LogEntry: {
            seq: number;
            ts: number;
            iso: string;
            /** @enum {string} */
            severity: "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR";
            source: string;
            agent_id: string | null;
            message: string;
        };
        Lesson: {
            ticker: string;
            run_id: string;
            decision_date: string;
            outcome_date: string;
            horizon: number;
            /** @enum {string} */
            action: "BUY" | "SELL" | "HOLD";
            rating: string;
            realised_return: number;
            decision_return: number;
            benchmark_return: number | null;
            alpha: number | null;
            situation: string;
            text: string;
            reflected_by: string;
        };
        InspectionRecord: {
            seq: number;
            ts: number;
            type: string;
            actor: string;
            src?: string;
            source?: string;
            event?: string;
            summary?: string;
            action?: string;
            status?: string;
            state: components["schemas"]["MachineStateValue"] | null;
        };
        MachineStateValue: string | {
            [key: string]: components["schemas"]["MachineStateValue"];
        };
        MachineStateNode: {
            id: string;
            key: string;
            /** @enum {string} */
            type: "atomic" | "compound" | "parallel" | "final" | "history";
            initial: string | null;
            entry: string[];
            exit: string[];
            invoke: {
                id: string;
                src: string;
            }[];
            transitions: {
                /** @enum {string} */
                kind: "event" | "always" | "done" | "error";
                event: string;
                targets: string[];
                guard: string | null;
                actions: string[];
            }[];
            states: components["schemas"]["MachineStateNode"][];
        };
        BacktestSummary: {
            backtest_id: string;
            /** @enum {string} */
            status: "running" | "completed" | "error" | "canceled" | "interrupted";
            /** @enum {string} */
            mode: "signal" | "portfolio";
            tickers: string[];
            from: string;
            to: string;
            every: number;
            provider: string;
            created_at: number;
            updated_at: number;
            progress: {
                total: number;
                done: number;
                failed: number;
                running: number;
                percent: number;
            };
            error: string | null;
            results_path: string;
        };
        BacktestCell: {
            ticker: string;
            date: string;
            status: components["schemas"]["RunStatus"] | "queued";
            run_id: string | null;
            action: ("BUY" | "SELL" | "HOLD") | null;
            rating: string | null;
            confidence: number | null;
            stop_loss: number | null;
            take_profit: number | null;
            error: string | null;
        };
        EquityRow: {
            date: string;
            series: string;
            ticker: string;
            equity: number;
            position: number;
            drawdown: number;
        };
        TradeRow: {
            series: string;
            ticker: string;
            decision_date: string;
            date: string;
            /** @enum {string} */
            side: "buy" | "sell";
            quantity: number;
            price: number;
            cost: number;
            slippage: number;
            /** @enum {string} */
            reason: "signal" | "stop_loss" | "take_profit";
            pnl: number | null;
        };
        StartMultiResponse: {
            runs: {
                run_id: string;
                ticker: string;
            }[];
            count: number;
        };
        StartProcessResponse: {
            runs: {
                run_id: string;
                ticker: string;
            }[];
            count: number;
            run_id?: string;
        };
        ListRunsResponse: components["schemas"]["RunPageResponse"] | components["schemas"]["RunListResponse"];
        RunTreeResponse: {
            run_id: string;
            ticker: string;
            status: components["schemas"]["RunStatus"];
            overall_progress: number;
            execution_tree: components["schemas"]["TreeNode"][];
            contents: {
                [key: string]: string;
            };
            data_sources?: {
                [key: string]: string;
            };
        };
        RunDecisionResponse: {
            run_id: string;
            ticker: string;
            status: components["schemas"]["RunStatus"];
            decision: components["schemas"]["Decision"];
            decision_html: string;
        };
        RunChartResponse: {
            ticker: string;
            trade_date: string;
            data_label: string;
            bars: {
                date: string;
                open: number;
                high: number;
                low: number;
                close: number;
                volume: number;
            }[];
            indicators: {
                [key: string]: {
                    date: string;
                    value: number;
                }[];
            };
            unavailable?: string;
        };
        CancelRunResponse: {
            run_id: string;
            status: components["schemas"]["RunStatus"];
        };
        ResumeRunResponse: {
            run_id: string;
            status: components["schemas"]["RunStatus"];
        };
        RunLessonsResponse: {
            run_id: string;
            memory: boolean;
            lessons: components["schemas"]["Lesson"][];
        };
        RunWebhooksResponse: {
            run_id: string;
            deliveries: {
                id: string;
                /** @enum {string} */
                event: "run.completed" | "run.failed" | "run.canceled" | "backtest.completed";
                target: string;
                /** @enum {string} */
                outcome: "pending" | "delivered" | "failed";
                attempts: {
                    at: string;
                    status_code: number | null;
                    error: string | null;
                    duration_ms: number;
                }[];
                next_attempt_at: string | null;
                created_at: string;
            }[];
        };
        BacktestWebhooksResponse: {
            backtest_id: string;
            deliveries: {
                id: string;
                /** @enum {string} */
                event: "run.completed" | "run.failed" | "run.canceled" | "backtest.completed";
                target: string;
                /** @enum {string} */
                outcome: "pending" | "delivered" | "failed";
                attempts: {
                    at: string;
                    status_code: number | null;
                    error: string | null;
                    duration_ms: number;
                }[];
                next_attempt_at: string | null;
                created_at: string;
            }[];
        };
        MemoryResponse: {
            ticker: string;
            lessons: components["schemas"]["Lesson"][];
        };
        StartBacktestResponse: {
            backtest_id: string;
            /** @enum {string} */
            status: "running" | "completed" | "error" | "canceled" | "interrupted";
        };
        ListBacktestsResponse: {
            backtests: components["schemas"]["BacktestSummary"][];
        };
        BacktestResponse: {
            summary: components["schemas"]["BacktestSummary"];
            config: {
                tickers: string[];
                from: string;
                to: string;
                /** @default 1 */
                every: number;
                /**
                 * @default signal
                 * @enum {string}
                 */
                mode: "signal" | "portfolio";
                /** @default 3 */
                parallel: number;
                /**
                 * @default offline
                 * @enum {string}
                 */
                llm_provider: "offline" | "openai" | "anthropic";
                quick_think_llm?: string;
                deep_think_llm?: string;
                /** @default 0 */
                offline_latency_ms: number;
                /** @default false */
                memory: boolean;
                /** @default 5 */
                horizon: number;
                /** @default 100000 */
                capital: number;
                /** @default 1 */
                cost_per_trade: number;
                /** @default 0 */
                slippage_bps: number;
                /** @default false */
                allow_short: boolean;
                /** @default 0 */
                risk_free_rate: number;
                cassette?: {
                    /** @enum {string} */
                    mode: "record" | "replay" | "replay_or_record";
                    dir: string;
                };
                backtest_id: string;
                grid: {
                    [key: string]: string[];
                };
                data_label: string;
                created_at: number;
            };
            cells: components["schemas"]["BacktestCell"][];
            metrics: {
                backtest_id: string;
                benchmark: string | null;
                series: {
                    [key: string]: {
                        label: string;
                        per_ticker: {
                            [key: string]: {
                                start_date: string;
                                end_date: string;
                                days: number;
                                start_equity: number;
                                end_equity: number;
                                cumulative_return: number;
                                annualized_return: number;
                                annualized_volatility: number;
                                sharpe: number | null;
                                sortino: number | null;
                                max_drawdown: number;
                                max_drawdown_peak: string | null;
                                max_drawdown_trough: string | null;
                                max_drawdown_recovery: string | null;
                                calmar: number | null;
                                win_rate: number | null;
                                round_trips: number;
                                trades: number;
                                exposure: number;
                                turnover: number;
                                costs_paid: number;
                                slippage_paid: number;
                                alpha: number | null;
                                beta: number | null;
                            };
                        };
                        portfolio: {
                            start_date: string;
                            end_date: string;
                            days: number;
                            start_equity: number;
                            end_equity: number;
                            cumulative_return: number;
                            annualized_return: number;
                            annualized_volatility: number;
                            sharpe: number | null;
                            sortino: number | null;
                            max_drawdown: number;
                            max_drawdown_peak: string | null;
                            max_drawdown_trough: string | null;
                            max_drawdown_recovery: string | null;
                            calmar: number | null;
                            win_rate: number | null;
                            round_trips: number;
                            trades: number;
                            exposure: number;
                            turnover: number;
                            costs_paid: number;
                            slippage_paid: number;
                            alpha: number | null;
                            beta: number | null;
                        };
                    };
                };
                cells: {
                    total: number;
                    completed: number;
                    failed: number;
                };
            } | null;
        };
        BacktestEquityResponse: {
            backtest_id: string;
            /** @enum {string} */
            status: "running" | "completed" | "error" | "canceled" | "interrupted";
            rows: components["schemas"]["EquityRow"][];
        };
        BacktestTradesResponse: {
            backtest_id: string;
            /** @enum {string} */
            status: "running" | "completed" | "error" | "canceled" | "interrupted";
            rows: components["schemas"]["TradeRow"][];
        };
        BacktestDecisionsResponse: {
            backtest_id: string;
            /** @enum {string} */
            status: "running" | "completed" | "error" | "canceled" | "interrupted";
            cells: components["schemas"]["BacktestCell"][];
        };
        CreateScheduleResponse: {
            schedule_id: string;
            name: string | null;
            tickers: string[];
            cron: string;
            timezone: string;
            /** @enum {string} */
            missed: "run_once" | "skip";
            options: {
                trade_date?: string;
                analysts?: ("market" | "social" | "news" | "fundamentals")[];
                max_debate_rounds?: number;
                max_risk_discuss_rounds?: number;
                /** @enum {string} */
                llm_provider?: "offline" | "openai" | "anthropic";
                quick_think_llm?: string;
                deep_think_llm?: string;
                offline_latency_ms?: number;
                sequential_analysts?: boolean;
                cost_per_trade?: number;
                data_vendors?: string;
                memory?: boolean;
                memory_horizon?: number;
                cassette?: {
                    /** @enum {string} */
                    mode: "record" | "replay" | "replay_or_record";
                    dir: string;
                };
                backtest_id?: string;
            };
            created_at: string;
            fires: {
                scheduled_for: string;
                fired_at: string;
                /** @enum {string} */
                trigger: "cron" | "missed";
                /** @enum {string} */
                outcome: "started" | "skipped" | "failed";
                reason: string | null;
                batch_id: string | null;
                run_ids: string[];
            }[];
            next_fire: {
                at: string;
                local: string;
                label: string;
            } | null;
            next_fires: {
                at: string;
                local: string;
                label: string;
            }[];
            last_fire: {
                scheduled_for: string;
                fired_at: string;
                /** @enum {string} */
                trigger: "cron" | "missed";
                /** @enum {string} */
                outcome: "started" | "skipped" | "failed";
                reason: string | null;
                batch_id: string | null;
                run_ids: string[];
            } | null;
            running: boolean;
        };
        ListSchedulesResponse: {
            schedules: components["schemas"]["CreateScheduleResponse"][];
        };
        PreviewScheduleResponse: {
            cron: string;
            timezone: string;
            next_fires: {
                at: string;
                local: string;
                label: string;
            }[];
        };
        DeleteScheduleResponse: {
            schedule_id: string;
            /** @constant */
            deleted: true;
        };
        RunLogsResponse: {
            run_id: string;
            entries: components["schemas"]["LogEntry"][];
            returned: number;
            last_seq: number;
            total_seq: number;
        };
        RunInspectResponse: {
            run_id: string;
            session: string | null;
            records: components["schemas"]["InspectionRecord"][];
            returned: number;
            last_seq: number;
            total_seq: number;
            first_seq: number;
        };
        MachineResponse: {
            id: string;
            version: number;
            root: components["schemas"]["MachineStateNode"];
        };
        OpenapiResponse: {
            openapi: string;
            info: {
                title: string;
                version: string;
            } & {
                [key: string]: unknown;
            };
            paths: {
                [key: string]: {
                    [key: string]: unknown;
                };
            };
        } & {
            [key: string]: unknown;
        };
        ProvidersResponse: {
            providers: {
                name: string;
                label: string;
                configured: boolean;
                quick_models: string[];
                deep_models: string[];
                default_quick: string;
                default_deep: string;
            }[];
            data_vendors?: {
                name: string;
                label: string;
                configured: boolean;
                detail: string;
            }[];
            data: {
                vendor: string;
                label: string;
                first_date: string;
                last_date: string;
                tickers: string[];
                instruments?: {
                    ticker: string;
                    first_date: string;
                    last_date: string;
                    demo: boolean;
                }[];
            };
        };
        ConcurrencyResponse: {
            layers: {
                key: string;
                limit: number | null;
                effective_limit: number | null;
                in_use: number;
                waiting: number;
            }[];
            queue?: {
                queue: string;
                counts: {
                    waiting: number;
                    active: number;
                    delayed: number;
                    prioritized: number;
                    failed: number;
                } | null;
                workers: {
                    id: string;
                    host: string;
                    pid: number;
                    concurrency: number;
                    runs: string[];
                    started_at: number;
                    last_seen: number;
                }[];
                error?: string;
            };
        };
        PhaseMetricsResponse: {
            runs: number;
            phases: {
                [key: string]: {
                    count: number;
                    avg_ms: number;
                    p95_ms: number;
                };
            };
            by_status: {
                [key: string]: number;
            };
        };
        HealthzResponse: {
            /** @constant */
            status: "ok";
            uptime_s: number;
            runs: number;
            active_runs: number;
            redis?: {
                /** @constant */
                status: "ok";
                rtt_ms: number;
            };
        };
    };
    responses: {
        /** @description Invalid input: a malformed path parameter, an unknown or bad query or body field, a ticker the data does not have. The message names every problem (the first ten and a count). */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description The server has an API token (`TRADINGFLOOR_TOKEN`) and the request did not carry it. */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description A `Host` that does not name this server (DNS rebinding guard on a loopback server), or a state-changing request from a foreign `Origin`. */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description No such run or backtest, or it has nothing of this kind yet (e.g. no decision before the run ends). */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description The request conflicts with the current state, e.g. canceling a run that already ended or resuming one that is not interrupted. */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description The body is larger than `BODY_LIMIT`. */
        PayloadTooLarge: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description `MAX_PARALLEL_RUNS` runs are already active. */
        TooManyRuns: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
        /** @description The server is shutting down and starts nothing new; on `GET /healthz` of a queue-mode server: Redis does not answer. */
        ShuttingDown: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["ErrorBody"];
            };
        };
    };
    parameters: never;
    requestBodies: {
        StartMultiBody: {
            content: {
                "application/json": {
                    trade_date?: string;
                    /**
                     * @default [
                     *       "market",
                     *       "social",
                     *       "news",
                     *       "fundamentals"
                     *     ]
                     */
                    analysts?: ("market" | "social" | "news" | "fundamentals")[];
                    max_debate_rounds?: number;
                    max_risk_discuss_rounds?: number;
                    /**
                     * @default offline
                     * @enum {string}
                     */
                    llm_provider?: "offline" | "openai" | "anthropic";
                    quick_think_llm?: string;
                    deep_think_llm?: string;
                    offline_latency_ms?: number;
                    /** @default false */
                    sequential_analysts?: boolean;
                    cost_per_trade?: number;
                    data_vendors?: string;
                    /** @default false */
                    memory?: boolean;
                    memory_horizon?: number;
                    cassette?: {
                        /** @enum {string} */
                        mode: "record" | "replay" | "replay_or_record";
                        dir: string;
                    };
                    backtest_id?: string;
                    company_symbols?: string | string[];
                    company_symbol?: string;
                    ticker?: string;
                    analysis_date?: string;
                    instrument_positions?: {
                        [key: string]: {
                            /**
                             * @default none
                             * @enum {string}
                             */
                            side?: "none" | "long" | "short";
                            entry_price?: number;
                            quantity?: number;
                            stop_loss?: number;
                            take_profit?: number;
                        };
                    };
                    /** @enum {string} */
                    multitask?: "reject" | "enqueue" | "allow";
                    webhook?: {
                        url: string;
                        events?: ("run.completed" | "run.failed" | "run.canceled" | "backtest.completed")[];
                    };
                };
            };
        };
        ResumeRunBody: {
            content: {
                "application/json": {
                    /** @default false */
                    memory?: boolean;
                    cassette?: {
                        /** @enum {string} */
                        mode: "record" | "replay" | "replay_or_record";
                        dir: string;
                    } | null;
                };
            };
        };
        StartBacktestBody: {
            content: {
                "application/json": {
                    tickers: string[];
                    from: string;
                    to: string;
                    every?: number;
                    /**
                     * @default signal
                     * @enum {string}
                     */
                    mode?: "signal" | "portfolio";
                    parallel?: number;
                    /**
                     * @default offline
                     * @enum {string}
                     */
                    llm_provider?: "offline" | "openai" | "anthropic";
                    quick_think_llm?: string;
                    deep_think_llm?: string;
                    offline_latency_ms?: number;
                    /** @default false */
                    memory?: boolean;
                    horizon?: number;
                    capital?: number;
                    cost_per_trade?: number;
                    slippage_bps?: number;
                    /** @default false */
                    allow_short?: boolean;
                    risk_free_rate?: number;
                    cassette?: {
                        /** @enum {string} */
                        mode: "record" | "replay" | "replay_or_record";
                        dir: string;
                    };
                    webhook?: {
                        url: string;
                        events?: ("run.completed" | "run.failed" | "run.canceled" | "backtest.completed")[];
                    };
                };
            };
        };
        CreateScheduleBody: {
            content: {
                "application/json": {
                    /**
                     * @default [
                     *       "market",
                     *       "social",
                     *       "news",
                     *       "fundamentals"
                     *     ]
                     */
                    analysts?: ("market" | "social" | "news" | "fundamentals")[];
                    max_debate_rounds?: number;
                    max_risk_discuss_rounds?: number;
                    /**
                     * @default offline
                     * @enum {string}
                     */
                    llm_provider?: "offline" | "openai" | "anthropic";
                    quick_think_llm?: string;
                    deep_think_llm?: string;
                    offline_latency_ms?: number;
                    /** @default false */
                    sequential_analysts?: boolean;
                    cost_per_trade?: number;
                    data_vendors?: string;
                    /** @default false */
                    memory?: boolean;
                    memory_horizon?: number;
                    cassette?: {
                        /** @enum {string} */
                        mode: "record" | "replay" | "replay_or_record";
                        dir: string;
                    };
                    /** @enum {string} */
                    multitask?: "reject" | "enqueue" | "allow";
                    webhook?: {
                        url: string;
                        events?: ("run.completed" | "run.failed" | "run.canceled" | "backtest.completed")[];
                    };
                    tickers: string | string[];
                    cron: string;
                    timezone: string;
                    name?: string;
                    /** @enum {string} */
                    missed?: "run_once" | "skip";
                };
            };
        };
    };
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    startMulti: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: components["requestBodies"]["StartMultiBody"];
        responses: {
            /** @description Start one run per symbol, all or nothing */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StartMultiResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRuns"];
            503: components["responses"]["ShuttingDown"];
        };
    };
    startProcess: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: components["requestBodies"]["StartMultiBody"];
        responses: {
            /** @description Start one run (legacy) */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StartProcessResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRuns"];
            503: components["responses"]["ShuttingDown"];
        };
    };
    listRuns: {
        parameters: {
            query?: {
                status?: ("pending" | "in_progress" | "completed" | "error" | "canceled" | "interrupted")[];
                action?: ("BUY" | "SELL" | "HOLD")[];
                q?: string;
                from?: string;
                to?: string;
                batch?: string;
                backtest?: string;
                sort?: string;
                limit?: number;
                cursor?: string;
            };
            header?: {
                /** @description A tag (or a comma-separated list of tags, or `*`) of an answer kept from before: 304 when it is still the answer. */
                "If-None-Match"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Runs the server knows: every one matching the filters, or one page with `limit` / `cursor` */
            200: {
                headers: {
                    /** @description A strong tag of this answer, when the server keeps one for it; send it back in `If-None-Match`. */
                    ETag?: string;
                    /** @description `no-cache` with a tag: a cache may keep the answer but asks again every time. */
                    "Cache-Control"?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListRunsResponse"];
                };
            };
            /** @description Not modified: the answer the `If-None-Match` tag names is still the answer (no body). */
            304: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    runStatus: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A run’s summary */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunSummary"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    runTree: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A run’s tree and contents */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunTreeResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    runDecision: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A run’s final decision */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunDecisionResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    runChart: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Price chart up to the trade date */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunChartResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    cancelRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Cancel a run */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CancelRunResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
        };
    };
    resumeRun: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: components["requestBodies"]["ResumeRunBody"];
        responses: {
            /** @description Resume an interrupted run, optionally changing its memory or cassette */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResumeRunResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            413: components["responses"]["PayloadTooLarge"];
            429: components["responses"]["TooManyRuns"];
            503: components["responses"]["ShuttingDown"];
        };
    };
    runLessons: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The lessons from past decisions a run’s managers were shown */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunLessonsResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    runWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every webhook delivery of a run: target, event, attempts and outcome */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunWebhooksResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    backtestWebhooks: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every webhook delivery of a backtest */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BacktestWebhooksResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    memory: {
        parameters: {
            query: {
                ticker: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every lesson stored for a ticker */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MemoryResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    listBacktests: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every backtest */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListBacktestsResponse"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    startBacktest: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: components["requestBodies"]["StartBacktestBody"];
        responses: {
            /** @description Start a backtest over a ticker × date grid */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StartBacktestResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            413: components["responses"]["PayloadTooLarge"];
        };
    };
    backtest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A backtest: status, progress, cells and metrics when done */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BacktestResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    backtestEquity: {
        parameters: {
            query?: {
                series?: string;
                ticker?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Daily equity of every series */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BacktestEquityResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    backtestTrades: {
        parameters: {
            query?: {
                series?: string;
                ticker?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every fill of every series */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BacktestTradesResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    backtestDecisions: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The cells with their decisions */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BacktestDecisionsResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    cancelBacktest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Cancel a backtest (it stays resumable) */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StartBacktestResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
        };
    };
    resumeBacktest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Resume an interrupted or canceled backtest */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StartBacktestResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
        };
    };
    listSchedules: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Every schedule with its last and next fires */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ListSchedulesResponse"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    createSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: components["requestBodies"]["CreateScheduleBody"];
        responses: {
            /** @description Create a schedule: a watchlist started as one batch on a cron expression in a time zone */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreateScheduleResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            413: components["responses"]["PayloadTooLarge"];
        };
    };
    previewSchedule: {
        parameters: {
            query: {
                cron: string;
                timezone: string;
                count?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Check a cron expression and time zone and list their next fire times */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PreviewScheduleResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    schedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description One schedule */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreateScheduleResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    deleteSchedule: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Delete a schedule (runs it started are kept) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeleteScheduleResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    runLogs: {
        parameters: {
            query?: {
                severity?: string;
                sources?: string[];
                q?: string;
                after_seq?: number;
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A run’s log, filtered and paged */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunLogsResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    runLogsDownload: {
        parameters: {
            query?: {
                severity?: string;
                sources?: string[];
                q?: string;
                after_seq?: number;
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A run’s log as a text attachment */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    runReportMarkdown: {
        parameters: {
            query?: {
                inline?: "0" | "1" | "true" | "false";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A finished run’s whole report as one Markdown document (decision, reports, debates, chart, provenance); 409 while it runs */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/markdown": string;
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    runReportHtml: {
        parameters: {
            query?: {
                inline?: "0" | "1" | "true" | "false";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A finished run’s whole report as one self-contained, printable HTML page (no scripts, no external resources); 409 while it runs */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    runInspect: {
        parameters: {
            query?: {
                after_seq?: number;
                limit?: number;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The run actor’s inspection records */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RunInspectResponse"];
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
        };
    };
    machine: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The run statechart’s definition */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MachineResponse"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    openapi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description This API as an OpenAPI 3.1 document */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OpenapiResponse"];
                };
            };
            403: components["responses"]["Forbidden"];
        };
    };
    docs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The API reference page */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": string;
                };
            };
            403: components["responses"]["Forbidden"];
        };
    };
    providers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Providers, data vendors, data coverage */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ProvidersResponse"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    concurrency: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The LLM limiter’s layers; in queue mode the queue’s job counts and workers */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConcurrencyResponse"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    phaseMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Phase durations over finished runs */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PhaseMetricsResponse"];
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    metrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus metrics */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
        };
    };
    healthz: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Liveness (and Redis, in queue mode) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HealthzResponse"];
                };
            };
            403: components["responses"]["Forbidden"];
            503: components["responses"]["ShuttingDown"];
        };
    };
}
