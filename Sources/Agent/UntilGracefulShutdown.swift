import ServiceLifecycle

/// Runs `loop` in a task of its own that graceful shutdown (or cancellation) cancels, after `onShutdown`:
/// the loop's waits are then plain `Task.sleep`s, which end with a CancellationError at shutdown.
/// `cancelWhenGracefulShutdown` around each sleep, as the pusher had it, built a task group, two child
/// tasks and a shutdown waiter per sleep: with a 1 s heartbeat, a quarter of the executor thread's CPU.
func untilGracefulShutdown(
    _ loop: @escaping @Sendable () async -> Void, onShutdown: @escaping @Sendable () -> Void
) async {
    // Unstructured so that the shutdown handler can cancel it; it inherits the task locals that
    // `Task.isShuttingDownGracefully` reads.
    let task = Task { await loop() }
    await withTaskCancellationHandler {
        await withGracefulShutdownHandler {
            await task.value
        } onGracefulShutdown: {
            onShutdown()
            task.cancel()
        }
    } onCancel: {
        task.cancel()
    }
}
