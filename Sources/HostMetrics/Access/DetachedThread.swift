#if canImport(Glibc)
    import Glibc
#endif

/// A thread of the agent's own that runs `body` and ends: the sampler, the push client's worker, the
/// signal thread, a statvfs that may hang. Each is work that blocks, and must neither wait on Swift
/// concurrency's one executor thread nor hold it.
public enum DetachedThread {
    /// false when no thread can be had (the process's or the system's limit).
    public static func start(_ body: @escaping @Sendable () -> Void) -> Bool {
        let context = Unmanaged.passRetained(Body(body))
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { raw in
            Unmanaged<Body>.fromOpaque(raw!).takeRetainedValue().run()
            return nil
        }, context.toOpaque())
        guard created == 0 else {
            context.release()
            return false
        }
        pthread_detach(thread)
        return true
    }

    private final class Body {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}
