import API
import Testing

@Suite struct HistoryRingTests {
    func row(_ figures: [(String, Double?)]) -> HistoryRow {
        var row = HistoryRow()
        for (name, value) in figures { row.add(name, value) }
        return row
    }

    @Test func keepsTheLastCapacityEntriesOldestFirst() {
        var ring = HistoryRing(capacity: 3)
        for step in 1...5 { ring.append(time: Double(step), row: row([("cpu_percent", Double(step * 10))])) }
        let window = ring.window()
        #expect(window.times == [3, 4, 5])
        #expect(window.columns.map(\.0) == ["cpu_percent"])
        #expect(window.columns[0].1 == [30, 40, 50])
    }

    @Test func sinceAndFieldsSelect() {
        var ring = HistoryRing(capacity: 10)
        for step in 1...4 { ring.append(time: Double(step), row: row([("a", Double(step)), ("b", -Double(step))])) }
        let window = ring.window(since: 3, fields: ["b"])
        #expect(window.times == [3, 4])
        #expect(window.columns.map(\.0) == ["b"])
        #expect(window.columns[0].1 == [-3, -4])
        #expect(ring.window(fields: ["nope"]).columns.isEmpty)
    }

    /// A figure missing on a pass is NaN (null on the wire); one that first appears later is null before
    /// it; one that keeps its first null holds its place; a column none of whose values is left goes.
    @Test func missingFiguresAreNullAndGoneColumnsAreDropped() {
        var ring = HistoryRing(capacity: 2)
        ring.append(time: 1, row: row([("rate", nil), ("core:1", 5)]))
        ring.append(time: 2, row: row([("rate", 7), ("core:1", 6), ("core:2", 1)]))
        var window = ring.window()
        #expect(window.columns.map(\.0) == ["rate", "core:1", "core:2"])
        #expect(window.columns[0].1[0].isNaN && window.columns[0].1[1] == 7)
        #expect(window.columns[2].1[0].isNaN && window.columns[2].1[1] == 1)
        ring.append(time: 3, row: row([("rate", 8)]))
        ring.append(time: 4, row: row([("rate", 9)]))
        window = ring.window()
        #expect(window.columns.map(\.0) == ["rate"], "CPU 1 and 2 went offline a whole ring ago")
    }

    /// A full ring holds exactly its capacity per column, however many appends went by, and names repeated
    /// in `fields` give one column each.
    @Test func aFullRingHoldsItsCapacityAndFieldsRepeatOnce() {
        var ring = HistoryRing(capacity: 720)
        let names = (0..<30).map { "figure\($0)" }
        for step in 0..<2000 { ring.append(time: Double(step), row: row(names.map { ($0, Double(step)) })) }
        let window = ring.window()
        #expect(ring.count == 720 && window.times.count == 720 && window.times.first == 1280)
        #expect(window.columns.count == 30 && window.columns.allSatisfy { $0.1.count == 720 })
        #expect(ring.window(fields: ["figure1", "figure1", "figure2"]).columns.map(\.0) == ["figure1", "figure2"])
    }

    @Test func historyJSONIsColumns() {
        var ring = HistoryRing(capacity: 4)
        ring.append(time: 10, row: row([("cpu_percent", 12.345), ("memory_used_bytes", 123_456_789)]))
        ring.append(time: 15, row: row([("cpu_percent", nil), ("memory_used_bytes", 1_000)]))
        let body = String(decoding: HistoryJSON.render(ring, since: nil, fields: nil, interval: 5, pretty: false), as: UTF8.self)
        #expect(body == #"{"interval_seconds":5,"capacity":4,"time":[10,15],"fields":{"cpu_percent":[12.35,null],"memory_used_bytes":[123456792,1000]}}"#)
    }
}
