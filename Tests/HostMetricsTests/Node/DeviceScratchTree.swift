import Foundation

/// A fixture tree copied into a temporary directory so a test can change or break a file in it; removed
/// when the test lets go of it.
final class DeviceScratchTree {
    let path: String

    init(copying source: String) throws {
        path = FileManager.default.temporaryDirectory.path + "/devices-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: source, toPath: path)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func write(_ relative: String, _ text: String) throws {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(
            atPath: String(full[..<full.lastIndex(of: "/")!]), withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: false, encoding: .utf8)
    }

    func remove(_ relative: String) throws { try FileManager.default.removeItem(atPath: path + "/" + relative) }
}
