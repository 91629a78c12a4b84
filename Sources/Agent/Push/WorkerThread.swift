#if canImport(Glibc)
    import Glibc
#endif
import CSystemCalls
import HostMetrics

/// A thread of its own that runs blocking work one piece at a time, in the order given: the dashboard
/// client's requests. It starts at the first piece and lives until `finish`, sleeping on a condition
/// variable in between, so a request every few seconds costs one wake-up and no thread start (a
/// libdispatch queue let its worker go after 5 s idle and started another for the next request).
final class WorkerThread: @unchecked Sendable {
    // @unchecked: `queue`, `started` and `finishing` are used under `mutex` only.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var queue: [@Sendable () -> Void] = []
    private var started = false
    private var finishing = false
    private let name: String

    /// `name` is the thread's, as top -H shows it (at most 15 bytes).
    init(name: String) {
        self.name = name
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(wake, nil)
    }

    deinit {
        pthread_cond_destroy(wake)
        pthread_mutex_destroy(mutex)
        wake.deallocate()
        mutex.deallocate()
    }

    /// Queues `body`; the thread is started if it has not been. Work given after `finish` is dropped.
    func run(_ body: @escaping @Sendable () -> Void) {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        guard !finishing else { return }
        queue.append(body)
        if !started {
            started = true
            start()
        }
        pthread_cond_signal(wake)
    }

    /// The thread runs what is queued, then `last`, and ends; without a thread yet, `last` runs here.
    func finish(then last: @escaping @Sendable () -> Void) {
        pthread_mutex_lock(mutex)
        finishing = true
        let here = !started
        if started {
            queue.append(last)
            pthread_cond_signal(wake)
        }
        pthread_mutex_unlock(mutex)
        if here { last() }
    }

    /// Under `mutex`. Without a thread (pthread_create failed: out of threads), the work runs here, on the
    /// caller's thread, rather than never.
    private func start() {
        guard !DetachedThread.start({ self.loop() }) else { return }
        started = false
        let pending = queue
        queue.removeAll()
        pthread_mutex_unlock(mutex)
        for body in pending { body() }
        pthread_mutex_lock(mutex)
    }

    private func loop() {
        _ = csc_name_this_thread(name)
        pthread_mutex_lock(mutex)
        while true {
            while queue.isEmpty && !finishing { pthread_cond_wait(wake, mutex) }
            if queue.isEmpty { break }
            var body: (@Sendable () -> Void)? = queue.removeFirst()
            pthread_mutex_unlock(mutex)
            body?()
            // Released before the lock is taken again: what it held may be the owner, whose deinit calls
            // `finish`, which takes the lock.
            body = nil
            pthread_mutex_lock(mutex)
        }
        pthread_mutex_unlock(mutex)
    }
}
