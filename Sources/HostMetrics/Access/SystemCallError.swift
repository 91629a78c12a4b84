#if canImport(Glibc)
    import Glibc
#endif

/// A system call that failed, with its name and the system's reason.
public struct SystemCallError: Error, Sendable, CustomStringConvertible {
    public let call: String
    public let errno: Int32

    public init(call: String, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    /// Refused rather than broken: a container's seccomp policy or a missing capability.
    public var isPermissionDenied: Bool { errno == EPERM || errno == EACCES }
    public var description: String { "\(call): \(String(cString: strerror(errno)))" }
}
