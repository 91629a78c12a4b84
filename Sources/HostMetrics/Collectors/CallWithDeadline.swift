#if canImport(Glibc)
    import Glibc
#endif

/// Runs a statvfs that may block for ever (a dead NFS server) on a new thread of its own and waits
/// for it until a deadline; a call still running then is left to finish (or not) on its thread. A thread of
/// our own, not a libdispatch queue: one use of libdispatch's queues starts its worker pool and a monitor
/// that wakes once a second for the rest of the process's life.
final class CallWithDeadline: @unchecked Sendable {
    typealias Value = StatFS.Outcome

    // @unchecked: `value` is used under `mutex` only; the thread and the waiter share this object.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let done = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var value: Value?
    private let call: @Sendable () -> Value

    private init(_ call: @escaping @Sendable () -> Value) {
        self.call = call
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(done, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(done)
        pthread_mutex_destroy(mutex)
        done.deallocate()
        mutex.deallocate()
    }

    /// `call`'s value, or nil when it had not returned within `seconds` (or no thread could be started).
    static func run(within seconds: Double, _ call: @escaping @Sendable () -> Value) -> Value? {
        let attempt = CallWithDeadline(call)
        let context = Unmanaged.passRetained(attempt)
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { raw in
            let attempt = Unmanaged<CallWithDeadline>.fromOpaque(raw!).takeRetainedValue()
            let value = attempt.call()
            pthread_mutex_lock(attempt.mutex)
            attempt.value = value
            pthread_cond_signal(attempt.done)
            pthread_mutex_unlock(attempt.mutex)
            return nil
        }, context.toOpaque())
        guard created == 0 else {
            context.release()
            return nil
        }
        pthread_detach(thread)
        return attempt.wait(seconds)
    }

    private func wait(_ seconds: Double) -> Value? {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let total = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9 + seconds
        var deadline = timespec(tv_sec: Int(total), tv_nsec: Int((total - total.rounded(.down)) * 1e9))
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while value == nil {
            if pthread_cond_timedwait(done, mutex, &deadline) == ETIMEDOUT { break }
        }
        return value
    }
}
