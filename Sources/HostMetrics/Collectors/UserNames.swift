/// User names by uid from the watched root's /etc/passwd, re-read when an unknown uid shows up (at most
/// once a minute, so a process owned by a uid without a name costs nothing per pass).
final class UserNames {
    private let rootfs: FileTree
    private var passwd = Passwd(names: [:])
    private var loadedAt: Double?

    init(rootfs: FileTree) {
        self.rootfs = rootfs
    }

    /// The name, or the uid in decimal when there is none (psutil's `username()` does the same).
    func name(for uid: UInt32, now: Double) -> String {
        if let name = passwd.names[uid] { return name }
        if loadedAt.map({ now - $0 >= 60 }) ?? true {
            loadedAt = now
            passwd = (try? rootfs.read("etc/passwd")).map(Passwd.parse) ?? passwd
        }
        return passwd.names[uid] ?? String(uid)
    }
}
