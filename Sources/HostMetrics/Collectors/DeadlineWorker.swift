#if canImport(Glibc)
    import Glibc
#endif

/// Runs calls that may block for ever (statvfs of a dead NFS server) one at a time on a long-lived thread
/// of its own, and waits for each until a deadline. A call still running at its deadline keeps that thread
/// (left to finish, or not); the next call gets a new one. So an ordinary pass starts no thread however many
/// such mounts a host has, and each hung mount holds one thread. A thread of our own, not a libdispatch
/// queue: one use of libdispatch's queues starts its worker pool and a monitor that wakes once a second for
/// the rest of the process's life.
final class DeadlineWorker: @unchecked Sendable {
    typealias Value = StatFS.Outcome

    // @unchecked: `current` is used under `lock` only; each Worker guards its own state.
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var current: Worker?
    /// Threads started, for tests: one until a call overruns.
    private(set) var threadsStarted = 0

    init() { pthread_mutex_init(lock, nil) }

    deinit {
        current?.retire()
        pthread_mutex_destroy(lock)
        lock.deallocate()
    }

    /// `call`'s value, or nil when it had not returned within `seconds` (or no thread could be started).
    func run(within seconds: Double, _ call: @escaping @Sendable () -> Value) -> Value? {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        if current == nil {
            current = Worker.start()
            if current != nil { threadsStarted += 1 }
        }
        guard let worker = current else { return nil }
        if let value = worker.run(call, within: seconds) { return value }
        // Overran: that thread is the call's now; it ends once the call returns, if it ever does.
        worker.retire()
        current = nil
        return nil
    }

    /// One thread, one call at a time: `job` handed in, `value` handed back, under `mutex`.
    private final class Worker: @unchecked Sendable {
        private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
        private var job: (@Sendable () -> Value)?
        private var value: Value?
        private var retired = false

        private init() {
            pthread_mutex_init(mutex, nil)
            var attributes = pthread_condattr_t()
            pthread_condattr_init(&attributes)
            pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
            pthread_cond_init(changed, &attributes)
            pthread_condattr_destroy(&attributes)
        }

        deinit {
            pthread_cond_destroy(changed)
            pthread_mutex_destroy(mutex)
            changed.deallocate()
            mutex.deallocate()
        }

        static func start() -> Worker? {
            let worker = Worker()
            return DetachedThread.start { worker.loop() } ? worker : nil
        }

        func run(_ call: @escaping @Sendable () -> Value, within seconds: Double) -> Value? {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let total = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9 + seconds
            var deadline = timespec(tv_sec: Int(total), tv_nsec: Int((total - total.rounded(.down)) * 1e9))
            pthread_mutex_lock(mutex)
            defer { pthread_mutex_unlock(mutex) }
            job = call
            value = nil
            pthread_cond_broadcast(changed)
            while value == nil {
                if pthread_cond_timedwait(changed, mutex, &deadline) == ETIMEDOUT { break }
            }
            let answered = value
            value = nil
            return answered
        }

        /// The thread ends after the call under way, if any.
        func retire() {
            pthread_mutex_lock(mutex)
            retired = true
            pthread_cond_broadcast(changed)
            pthread_mutex_unlock(mutex)
        }

        private func loop() {
            pthread_mutex_lock(mutex)
            while true {
                while job == nil && !retired { pthread_cond_wait(changed, mutex) }
                guard let call = job else { break }
                job = nil
                pthread_mutex_unlock(mutex)
                let answer = call()
                pthread_mutex_lock(mutex)
                if retired { break }
                value = answer
                pthread_cond_broadcast(changed)
            }
            pthread_mutex_unlock(mutex)
        }
    }
}
