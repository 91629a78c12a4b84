import HostMetrics
import Synchronization

extension DashboardClient {
    /// Runs a sender's `schedule` (the pusher's, the remote writer's) on the requests' thread until graceful
    /// shutdown or cancellation, which cuts a request under way short and raises `stop` to end the
    /// schedule's sleep; then `finalFlush` on the same thread, requests allowed again, given when shutdown
    /// began (monotonic). The flush's deadline counts from that moment, not from when the cut request has
    /// unwound, so SHUTDOWN_FLUSH_SECONDS bounds the whole stop.
    func runUntilShutdown(
        stop: StopSignal, _ schedule: @escaping @Sendable () -> Void, then finalFlush: @escaping @Sendable (Double) -> Void
    ) async {
        let shutdownStarted = Mutex<Double?>(nil)
        await stop.awaitWork(onShutdown: { [self] in
            shutdownStarted.withLock { $0 = $0 ?? HostClock.monotonic() }
            abortRequests(true)
        }) { finished in
            runOnThread {
                schedule()
                finished()
            }
        }
        let started = shutdownStarted.withLock { $0 } ?? HostClock.monotonic()
        abortRequests(false)
        await offload { finalFlush(started) }
    }
}
