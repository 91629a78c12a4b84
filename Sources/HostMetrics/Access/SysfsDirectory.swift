#if canImport(Glibc)
    import Glibc
#endif

/// What a directory entry is, as sysfs reports it: attributes are regular files, links to devices and
/// drivers are symlinks, groups of attributes are directories.
public enum EntryKind: Sendable, Equatable {
    case regular, directory, symlink, other
}

/// One name in a directory and its kind (not followed through a symlink).
public struct DirectoryEntry: Sendable, Equatable {
    public let name: String
    public let kind: EntryKind
}

/// The directory walks the hardware collectors need on sysfs: class directories that may not exist on
/// this host, entries by kind, numbered names (`hwmon3`, `cpu12`), and where a `device` link leads.
extension FileTree {
    /// Names in a directory sorted as Go's `filepath.Glob` and `os.ReadDir` sort them (bytewise), so
    /// samples come out in node_exporter's order; `nil` when the directory is not there.
    public func sortedListIfPresent(_ relative: String) throws(FileError) -> [String]? {
        do {
            return try list(relative).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        } catch where error.errno == ENOENT || error.errno == ENOTDIR {
            return nil
        }
    }

    /// Entries of a directory with their kinds, sorted bytewise; `nil` when the directory is not there.
    public func entriesIfPresent(_ relative: String) throws(FileError) -> [DirectoryEntry]? {
        guard let names = try sortedListIfPresent(relative) else { return nil }
        return names.map { name in
            var status = stat()
            guard lstat(path(relative + "/" + name), &status) == 0 else { return DirectoryEntry(name: name, kind: .other) }
            let kind: EntryKind
            switch status.st_mode & S_IFMT {
            case S_IFREG: kind = .regular
            case S_IFDIR: kind = .directory
            case S_IFLNK: kind = .symlink
            default: kind = .other
            }
            return DirectoryEntry(name: name, kind: kind)
        }
    }

    /// Whether `relative` is a directory, following symlinks (class entries are links to device dirs).
    public func isDirectory(_ relative: String) -> Bool {
        var status = stat()
        return stat(path(relative), &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
    }

    /// The path `relative` leads to with every symlink resolved; `nil` when it leads nowhere.
    public func resolvedPath(_ relative: String) -> String? {
        guard let resolved = realpath(path(relative), nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Names matching the glob `<prefix>[0-9]*` (`mc0`, `cpu12`, `thermal_zone3`), what node_exporter globs.
    public static func numbered(_ names: [String], prefix: String) -> [String] {
        names.filter { name in
            guard name.hasPrefix(prefix), let next = name.utf8.dropFirst(prefix.utf8.count).first else { return false }
            return next >= UInt8(ascii: "0") && next <= UInt8(ascii: "9")
        }
    }
}
