#if canImport(Glibc)
    import Glibc
#endif
@_spi(ExperimentalCustomExecutors) import _Concurrency
import CTaskExecutor

/// The executable's entry: Swift concurrency's jobs run on the main thread (Sources/CTaskExecutor) instead of
/// libdispatch's pool, then `AgentCommand` runs as the first task. With libdispatch's pool, each request
/// to the dashboard woke a pool worker, started a new one when the last had been let go (after 5 s idle),
/// and kept a monitor waking once a second: about 6 ms of CPU a minute pushing, 3 pull-only, for no work. The agent's
/// blocking work is all on threads of its own (the sampler, the endpoint, the push client, the signal
/// thread), so one executor thread is enough; nothing that runs on it may block for long.
@main
enum AgentMain {
    static func main() {
        // Blocked here, before any thread exists, so every thread inherits the mask and only the signal
        // thread (SignalThread) takes them.
        SignalThread.blockHandledSignals()
        guard SignalThread.start() else {
            AgentCommand.printError("shelter-agent: cannot start the signal thread: \(String(cString: strerror(errno)))")
            exit(1)
        }
        guard cte_install() == 0 else {
            AgentCommand.printError("shelter-agent: cannot start the task executor: \(String(cString: strerror(errno)))")
            exit(1)
        }
        _createExecutors(factory: AgentExecutorFactory.self)
        // Detached: `main` is the main actor's, and a task inheriting that would go to the main executor,
        // which Swift 6.3 enqueues through its own (libdispatch's main queue) rather than the hook.
        Task.detached {
            await AgentCommand.main()
            exit(0)
        }
        cte_run()
    }
}
