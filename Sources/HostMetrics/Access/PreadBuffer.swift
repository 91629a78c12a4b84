#if canImport(Glibc)
    import Glibc
#endif

/// One buffer that whole files are read into from offset 0 with `pread`, growing for a long one: reading
/// a kept descriptor again from offset 0 makes the kernel generate the file afresh.
struct PreadBuffer {
    private(set) var bytes = [UInt8](repeating: 0, count: 4096)
    /// The largest file read whole; a longer one is cut at this many bytes.
    let maxBytes: Int

    init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    /// The byte count now at the start of `bytes`, or `nil` on an error. A generated file (procfs, sysfs,
    /// cgroupfs) hands over all it has up to the count asked, so a read that left room got it all; a plain
    /// file is read on to a read of 0.
    mutating func read(_ descriptor: Int32, generated: Bool) -> Int? {
        var used = 0
        while true {
            let count = bytes.withUnsafeMutableBytes { raw in
                retryingEINTR { pread(descriptor, raw.baseAddress! + used, raw.count - used, off_t(used)) }
            }
            guard count >= 0 else { return nil }
            used += count
            if count == 0 || generated && used < bytes.count { return used }
            if used == bytes.count {
                guard bytes.count < maxBytes else { return used }
                bytes.append(contentsOf: repeatElement(0, count: min(bytes.count, maxBytes - bytes.count)))
            }
        }
    }
}
