/// The figures one snapshot adds to the history, by name (`cpu_percent`, `cpu_core_percent:0`, …).
public struct HistoryRow: Sendable {
    public private(set) var figures: [(name: String, value: Double?)] = []

    public init() {}

    public mutating func add(_ name: String, _ value: Double?) { figures.append((name, value)) }
}

/// The last `capacity` collections as columns: one time column and one column of figures per name.
///
/// Columns rather than kept snapshots because an hour at the default interval is 720 entries: as whole
/// snapshots (without process tables) that held 3.4 MiB of anonymous memory for nobody; as `Float` columns
/// it is 720 × 4 bytes per figure, about 100 KiB for a 2-core host. Float's 24-bit mantissa keeps every
/// figure a chart or a person reads to seven significant digits. Missing figures (a rate on the first
/// pass, a CPU that went offline) are NaN, served as `null`; a column none of whose entries is left is
/// dropped.
public struct HistoryRing: Sendable {
    public let capacity: Int
    private var times: [Double] = []
    private var columns: [String: [Float]] = [:]
    /// Names in the order they first appeared, so the page's columns keep a stable order.
    private var order: [String] = []
    /// Appends so far; the ring's oldest entry is `appended - count`.
    private var appended = 0
    /// For each column, the append number of its last real value.
    private var lastSeen: [String: Int] = [:]

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
        times.reserveCapacity(self.capacity)
    }

    public var count: Int { min(appended, capacity) }

    public mutating func append(time: Double, row: HistoryRow) {
        let slot = appended % capacity
        // Milliseconds, as served: `since` given back from a served time must select that very entry.
        let time = (time * 1000).rounded() / 1000
        if times.count < capacity { times.append(time) } else { times[slot] = time }
        for name in order { columns[name]![slot] = .nan }
        for (name, value) in row.figures {
            if columns[name] == nil {
                columns[name] = [Float](repeating: .nan, count: capacity)
                order.append(name)
                // A figure that starts as null (a rate's first pass) keeps its place rather than being
                // dropped and re-added behind the others.
                lastSeen[name] = appended
            }
            if let value, value.isFinite {
                columns[name]![slot] = Float(value)
                lastSeen[name] = appended
            }
        }
        appended += 1
        dropColumnsWithNothingLeft()
    }

    private mutating func dropColumnsWithNothingLeft() {
        let oldest = appended - count
        let gone = order.filter { (lastSeen[$0] ?? -1) < oldest }
        guard !gone.isEmpty else { return }
        for name in gone {
            columns[name] = nil
            lastSeen[name] = nil
        }
        order.removeAll { gone.contains($0) }
    }

    /// Every figure name the ring holds now, in first-seen order.
    public var fieldNames: [String] { order }

    /// Entries at or after `since` (all when nil), oldest first, with the chosen columns (all when nil).
    public func window(since: Double? = nil, fields: [String]? = nil) -> (times: [Double], columns: [(String, [Float])]) {
        var slots: [Int] = []
        slots.reserveCapacity(count)
        for position in (appended - count)..<appended {
            let slot = position % capacity
            if let since, times[slot] < since { continue }
            slots.append(slot)
        }
        var seen = Set<String>()
        let names = fields.map { wanted in wanted.filter { columns[$0] != nil && seen.insert($0).inserted } } ?? order
        return (slots.map { times[$0] }, names.map { name in (name, slots.map { columns[name]![$0] }) })
    }
}
