import HostMetrics

/// Paths of the fixture trees beside this file.
enum Fixtures {
    static let directory: String = {
        let file = #filePath
        return String(file[..<file.lastIndex(of: "/")!]) + "/Fixtures"
    }()

    static var host: HostRoots {
        HostRoots(proc: directory + "/host/proc", sys: directory + "/host/sys", rootfs: directory + "/host/rootfs")
    }

    static func bytes(_ relative: String) throws -> [UInt8] {
        try FileTree.readFile(directory + "/" + relative)
    }

    /// PIDs of the processes the capture script started (see scripts/capture-fixtures).
    static func capturedPID(_ name: String) throws -> Int32 {
        let text = String(decoding: try bytes("host/PIDS"), as: UTF8.self)
        for pair in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            let parts = pair.split(separator: "=")
            if parts.count == 2, parts[0] == name, let pid = Int32(parts[1]) { return pid }
        }
        throw FixtureError.missing(name)
    }

    enum FixtureError: Error { case missing(String) }
}
