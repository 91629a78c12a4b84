import API
import Synchronization

/// The open `/api/v1/stream` responses and what each asked for. The endpoint adds one when a client
/// opens a stream; the sampler thread sends every stream one event per collection; the C server drops a
/// reader that does not keep up, and the next send to it says so and forgets it.
final class EventStreams: Sendable {
    private let open = Mutex<[UInt64: [String]?]>([:])

    func add(_ id: UInt64, fields: [String]?) {
        _ = open.withLock { $0.updateValue(fields, forKey: id) }
    }

    var count: Int { open.withLock { $0.count } }

    /// One event to every stream, rendered and handed over once per distinct choice of fields; `whole`
    /// makes the snapshot a whole-snapshot stream shows; `send` returns the ids whose streams are gone.
    func broadcast(
        _ snapshot: Snapshot, whole: (Snapshot) -> Snapshot = { $0 }, send: ([UInt64], [UInt8]) -> [UInt64]
    ) {
        let streams = open.withLock { $0 }
        guard !streams.isEmpty else { return }
        var gone: [UInt64] = []
        for (fields, readers) in Dictionary(grouping: streams, by: { $0.value }) {
            gone += send(readers.map(\.key), EventStreamFormat.event(fields == nil ? whole(snapshot) : snapshot, fields: fields))
        }
        if !gone.isEmpty { open.withLock { for id in gone { $0[id] = nil } } }
    }
}
